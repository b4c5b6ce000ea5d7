// The Python module `_testbuffer`: CPython's test-only exporter module (Modules/_testbuffer.c) for
// IronPython, so CPython's Lib/test/test_buffer.py can run against newbuffer. This file owns the
// module's constants and functions; ndarray and staticarray are nested types in their own files
// (nested so IronPython gives them this module's __module__, renamed at load as in newbuffer).
//
// The functions are thin: each acquires buffers through ExporterDispatch (any exporter newbuffer
// knows), asks the core (RawView, ViewCopier, StructFormat) and releases what it acquired. Views are
// used as the exporter made them, unverified, as _testbuffer does (ViewVerifier.AcquireRaw checks only
// that their arrays hold ndim entries, as a C struct's do); every byte is still reached through
// bounds-checked BufferPointers, so a bad view is an exception, never a stray read.
using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Geometry;
using NewBuffer.IronPython.Exporters;
using NewBuffer.IronPython.TestBuffer;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using Flags = NewBuffer.Protocol.BufferFlags;

[assembly: PythonModule("_testbuffer", typeof(NewBuffer.IronPython.TestBufferModule))]

namespace NewBuffer.IronPython;

/// <summary>The <c>_testbuffer</c> module.</summary>
public static partial class TestBufferModule
{
    public const string __doc__ = "CPython's _testbuffer for IronPython: ndarray, an exporter of any PEP 3118 view, and helpers for test_buffer.py.";

    public const int ND_MAX_NDIM = 2 * ViewLayout.MaxNDim;
    public const int ND_VAREXPORT = (int)NDFlags.VarExport;
    public const int ND_WRITABLE = (int)NDFlags.Writable;
    public const int ND_FORTRAN = (int)NDFlags.Fortran;
    public const int ND_SCALAR = (int)NDFlags.Scalar;
    public const int ND_PIL = (int)NDFlags.Pil;
    public const int ND_REDIRECT = (int)NDFlags.Redirect;
    public const int ND_GETBUF_FAIL = (int)NDFlags.GetBufFail;
    public const int ND_GETBUF_UNDEFINED = (int)NDFlags.GetBufUndefined;

    public const int PyBUF_SIMPLE = (int)Flags.Simple;
    public const int PyBUF_WRITABLE = (int)Flags.Writable;
    public const int PyBUF_FORMAT = (int)Flags.Format;
    public const int PyBUF_ND = (int)Flags.ND;
    public const int PyBUF_STRIDES = (int)Flags.Strides;
    public const int PyBUF_INDIRECT = (int)Flags.Indirect;
    public const int PyBUF_C_CONTIGUOUS = (int)Flags.CContiguous;
    public const int PyBUF_F_CONTIGUOUS = (int)Flags.FContiguous;
    public const int PyBUF_ANY_CONTIGUOUS = (int)Flags.AnyContiguous;
    public const int PyBUF_FULL = (int)Flags.Full;
    public const int PyBUF_FULL_RO = (int)Flags.FullRO;
    public const int PyBUF_RECORDS = (int)Flags.Records;
    public const int PyBUF_RECORDS_RO = (int)Flags.RecordsRO;
    public const int PyBUF_STRIDED = (int)Flags.Strided;
    public const int PyBUF_STRIDED_RO = (int)Flags.StridedRO;
    public const int PyBUF_CONTIG = (int)Flags.Contig;
    public const int PyBUF_CONTIG_RO = (int)Flags.ContigRO;
    public const int PyBUF_READ = (int)Flags.Read;
    public const int PyBUF_WRITE = (int)Flags.Write;

    /// <summary>ndarray's default for getbuf: "not given" (not a request flag).</summary>
    internal const int PyBUF_UNUSED = 0x10000;

    [SpecialName]
    public static void PerformModuleReload(PythonContext context, PythonDictionary dict)
    {
        NewBufferModule.UseHostAbi();
        PythonErrors.Install();

        // IronPython lists nested types under their .NET names; Python knows them by their PythonType names.
        foreach (Type type in new[] { typeof(NDArrayObject), typeof(StaticArrayObject) })
        {
            dict.Remove(type.Name);
            dict[type.GetCustomAttribute<PythonTypeAttribute>()!.Name] = DynamicHelpers.GetPythonTypeFromType(type);
        }
    }

    [Documentation("slice_indices(slice, length)\n\nThe (start, stop, step, slicelength) PySlice_GetIndicesEx computes.")]
    public static PythonTuple slice_indices(CodeContext context, object? key, object? len)
    {
        if (key is not Slice slice)
        {
            throw PythonErrors.TypeError("first argument must be a slice object");
        }

        long length = PythonValues.ToSsize(len);
        (long start, long stop, long step, long count) = NDArgs.Resolve(slice, length);
        return PythonValues.TupleOf([start, stop, step, count]);
    }

    [Documentation("get_pointer(obj, indices)\n\nThe item of obj's PyBUF_FULL_RO view at indices, found with PyBuffer_GetPointer.")]
    public static object? get_pointer(CodeContext context, object? bufobj, object? seq)
    {
        IList<object?> items = NDArgs.ListOrTuple(seq, "seq");
        BufferView view = Acquire(context, bufobj, Flags.FullRO);
        try
        {
            if (view.NDim > ND_MAX_NDIM)
            {
                throw PythonErrors.ValueError($"get_pointer(): ndim > {ND_MAX_NDIM}");
            }

            if (items.Count != view.NDim)
            {
                throw PythonErrors.ValueError("get_pointer(): len(indices) != ndim");
            }

            ViewLayout layout = RawView.Layout(view);
            var indices = new long[view.NDim];
            for (int i = 0; i < indices.Length; i++)
            {
                indices[i] = PythonValues.ToSsize(items[i]);
                if (indices[i] < 0 || indices[i] >= layout.Shape[i])
                {
                    throw PythonErrors.ValueError($"get_pointer(): invalid index {indices[i]} at position {i}");
                }
            }

            return NDItems.Unpack(context, layout.Locate(view.Buf, indices), view.Format, view.ItemSize);
        }
        finally
        {
            view.Release();
        }
    }

    [Documentation("get_sizeof_void_p()\n\nThe size of a pointer stored in a PIL-style buffer.")]
    public static int get_sizeof_void_p() => MemoryRegistry.PointerSize;

    [Documentation("get_contiguous(obj, buffertype, order)\n\nPyMemoryView_GetContiguous: a memoryview of obj, or of a copy in order when obj is not contiguous.")]
    public static object get_contiguous(CodeContext context, object? obj, object? buffertype, object? order)
    {
        if (buffertype is not (int or System.Numerics.BigInteger or bool))
        {
            throw PythonErrors.TypeError("buffertype must be PyBUF_READ or PyBUF_WRITE");
        }

        long type = PythonValues.ToSsize(buffertype);
        if (type > int.MaxValue || type < int.MinValue)
        {
            throw PythonOps.OverflowError("Python int too large to convert to C long");
        }

        if (type is not (PyBUF_READ or PyBUF_WRITE))
        {
            throw PythonErrors.ValueError("invalid buffer type");
        }

        Order ord = NDArgs.ToOrder(context, order);
        var view = new NewBufferModule.MemoryViewObject(context, obj);
        NewBuffer.Views.ArrayView contiguous;
        byte[]? data;
        try
        {
            // The copy, if one is made, reads through the view; the view is released right after.
            contiguous = view.Live().GetContiguous(ord, writable: type == PyBUF_WRITE, out data);
        }
        catch
        {
            view.release();
            throw;
        }

        if (data is null)
        {
            return view;
        }

        view.release();
        ViewLayout layout = contiguous.Layout;
        var copy = BufferView.Create(
            PythonValues.WrapBytes(data),
            contiguous.Buf,
            layout.ByteLength,
            layout.ItemSize,
            readOnly: true,
            layout.NDim,
            contiguous.Format,
            layout.Shape.ToArray(),
            layout.Strides.ToArray(),
            null);
        return NewBufferModule.MemoryViewObject.FromView(copy);
    }

    [Documentation("py_buffer_to_contiguous(obj, order, flags)\n\nPyBuffer_ToContiguous: the bytes of obj's answer to flags, in order.")]
    public static Bytes py_buffer_to_contiguous(CodeContext context, object? obj, object? order, object? flags)
    {
        int request = PythonValues.ToIntArgument(flags);
        BufferView view = Acquire(context, obj, (Flags)request);
        try
        {
            Order ord = NDArgs.ToOrder(context, order);
            if (RawView.IsContiguous(view, ord))
            {
                return PythonValues.WrapBytes(view.Buf.Slice(view.Len).ToArray());
            }

            return PythonValues.WrapBytes(ViewCopier.ToArray(view.Buf, RawView.Layout(view), ord));
        }
        finally
        {
            view.Release();
        }
    }

    [Documentation("is_contiguous(obj, order)\n\nPyBuffer_IsContiguous of obj's view (an ndarray's own base, without a request).")]
    public static bool is_contiguous(CodeContext context, object? obj, object? order)
    {
        Order ord = NDArgs.ToOrder(context, order);
        if (obj is NDArrayObject array)
        {
            return RawView.IsContiguous(array.Head.Base, ord);
        }

        BufferView view = AcquireOrTypeError(context, obj, "is_contiguous: object does not implement the buffer protocol");
        try
        {
            return RawView.IsContiguous(view, ord);
        }
        finally
        {
            view.Release();
        }
    }

    [Documentation("cmp_contig(a, b)\n\nTrue when two contiguous buffers have the same structure and bytes.")]
    public static bool cmp_contig(CodeContext context, object? b1, object? b2)
    {
        BufferView v1 = AcquireOrTypeError(context, b1, "cmp_contig: first argument does not implement the buffer protocol");
        BufferView v2;
        try
        {
            v2 = AcquireOrTypeError(context, b2, "cmp_contig: second argument does not implement the buffer protocol");
        }
        catch
        {
            v1.Release();
            throw;
        }

        try
        {
            return SameContiguousBuffer(v1, v2);
        }
        finally
        {
            v1.Release();
            v2.Release();
        }
    }

    /// <summary>PyObject_GetBuffer: <paramref name="obj"/>'s answer to <paramref name="flags"/>, verified before
    /// anything reads it (CPython's ndarray trusts exporters; ours refuses an invalid view); release it.</summary>
    internal static BufferView Acquire(CodeContext context, object? obj, Flags flags)
    {
        IBufferExporter exporter = ExporterDispatch.Create(context, obj, string.Empty);
        ViewVerifier.Acquire(exporter, flags, "ndarray", out BufferView view);
        if (!view.HasShape && view.NDim == 1)
        {
            // Strides or suboffsets without a shape mean nothing (the verifier ignores them, and
            // CPython's ndarray would index the missing shape with them), so the ndarray drops them.
            view.SetStrides(null);
            view.SetSuboffsets(null);
        }

        return view;
    }

    private static BufferView AcquireOrTypeError(CodeContext context, object? obj, string message)
    {
        try
        {
            return ViewVerifier.AcquireRaw(ExporterDispatch.Create(context, obj, string.Empty), Flags.FullRO, "ndarray");
        }
        catch (Exception)
        {
            // _testbuffer replaces whatever the request raised.
            throw PythonErrors.TypeError(message);
        }
    }

    private static bool SameContiguousBuffer(BufferView v1, BufferView v2)
    {
        bool bothC = RawView.IsContiguous(v1, Order.C) && RawView.IsContiguous(v2, Order.C);
        bool bothF = RawView.IsContiguous(v1, Order.Fortran) && RawView.IsContiguous(v2, Order.Fortran);
        if (!bothC && !bothF)
        {
            return false;
        }

        // readonly may differ: a copy of a non-contiguous view is read-only.
        if (v1.Len != v2.Len || v1.ItemSize != v2.ItemSize || v1.NDim != v2.NDim
            || (v1.Format ?? "B") != (v2.Format ?? "B")
            || v1.HasShape != v2.HasShape || v1.HasStrides != v2.HasStrides || v1.HasSuboffsets != v2.HasSuboffsets)
        {
            return false;
        }

        if ((v1.HasShape && !SameEntries(v1.Shape, v2.Shape, default))
            || (v1.HasStrides && !SameEntries(v1.Strides, v2.Strides, v1.Shape))
            || (v1.HasSuboffsets && !SameEntries(v1.Suboffsets, v2.Suboffsets, default)))
        {
            return false;
        }

        return v1.Buf.Slice(v1.Len).SequenceEqual(v2.Buf.Slice(v2.Len));
    }

    /// <summary>arraycmp: equal entries, ignoring strides of dimensions shorter than 2 when <paramref name="shape"/> is given.</summary>
    private static bool SameEntries(ReadOnlySpan<long> a, ReadOnlySpan<long> b, ReadOnlySpan<long> shape)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (!shape.IsEmpty && shape[i] <= 1)
            {
                continue;
            }

            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
