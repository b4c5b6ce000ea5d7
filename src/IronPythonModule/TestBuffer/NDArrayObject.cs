// _testbuffer.ndarray: an exporter that can produce any view, valid or not (CPython's NDArrayObject).
// Two kinds, as in CPython:
//   - an original holds a list of base buffers (NDBuffer), newest first; push/pop change the layout,
//     refused while the head has exports unless ND_VAREXPORT; a base with exports that is no longer
//     the head goes when its last export does;
//   - a consumer (ndarray(exporter, getbuf=...), and every sub-array or slice of an ndarray) holds
//     the view it acquired, releases it when released or collected (IronPython collects later than
//     CPython frees, so an exporter's count of exports can stay up until then), and with ND_REDIRECT
//     passes requests on to the object it consumed.
// Requests are answered by NDBuffer.Answer with _testbuffer's checks and messages. This type parses
// Python arguments, converts items and owns lifetimes; IronPython's own consumers reach it through
// PythonBufferAdapter, everything in newbuffer through IBufferExporter.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Format;
using NewBuffer.IronPython.Exporters;
using NewBuffer.IronPython.TestBuffer;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using Flags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

public static partial class TestBufferModule
{
    /// <summary><c>_testbuffer.ndarray</c>.</summary>
    [PythonType("ndarray")]
    [Documentation("ndarray(obj, shape=None, strides=None, offset=0, format='B', flags=ND_DEFAULT, getbuf=PyBUF_UNUSED)\n\n"
        + "From a list, tuple or scalar and a shape: an array of packed items that exports any view.\n"
        + "From an exporter: a consumer of its answer to getbuf (default PyBUF_FULL_RO).")]
    public sealed class NDArrayObject : IBufferExporter, IBufferProtocol, IEnumerable
    {
        private readonly object _lock = new();
        private readonly CodeContext _context;
        private readonly LinkedList<NDBuffer>? _bases;
        private readonly NDBuffer? _consumed;
        private readonly NDFlags _arrayFlags;
        private int _released;

        public NDArrayObject(CodeContext context, object? obj, object? shape = null, object? strides = null, object? offset = null, object? format = null, object? flags = null, object? getbuf = null)
        {
            _context = context;
            long start = offset is null ? 0 : PythonValues.ToSsize(offset);
            int ndFlags = flags is null ? 0 : PythonValues.ToIntArgument(flags);
            int request = getbuf is null ? PyBUF_UNUSED : PythonValues.ToIntArgument(getbuf);
            if (shape is null && ExporterDispatch.StyleOf(context, obj) != ExportStyle.None)
            {
                if (strides is not null || start != 0 || (format is not null and not "B") || ndFlags is not (0 or ND_REDIRECT))
                {
                    GC.SuppressFinalize(this);
                    throw PythonErrors.TypeError("construction from exporter object only takes 'obj', 'getbuf' and 'flags' arguments");
                }

                BufferView view;
                try
                {
                    view = Acquire(context, obj, (Flags)(request == PyBUF_UNUSED ? PyBUF_FULL_RO : request));
                }
                catch
                {
                    GC.SuppressFinalize(this);
                    throw;
                }

                _consumed = NDBuffer.Consume(view);
                _consumed.InitFlags();
                _consumed.Flags |= (NDFlags)ndFlags;
                return;
            }

            GC.SuppressFinalize(this);
            if (request != PyBUF_UNUSED)
            {
                throw PythonErrors.TypeError("getbuf argument only valid for construction from exporter object");
            }

            if (shape is null)
            {
                throw PythonErrors.TypeError("shape is a required argument when constructing from list, tuple or scalar");
            }

            if ((ndFlags & ND_VAREXPORT) != 0)
            {
                _arrayFlags = NDFlags.VarExport;
                ndFlags &= ~ND_VAREXPORT;
            }

            _bases = new LinkedList<NDBuffer>();
            _bases.AddFirst(Build(context, obj, shape, strides, start, format, (NDFlags)ndFlags));
        }

        /// <summary>A consumer of another ndarray's view (sub-arrays and slices).</summary>
        private NDArrayObject(CodeContext context, NDBuffer consumed)
        {
            _context = context;
            _consumed = consumed;
        }

        /// <summary>Releases a consumer's view if the program dropped the ndarray.</summary>
        ~NDArrayObject()
        {
            try
            {
                ReleaseConsumed();
            }
            catch (Exception)
            {
                // A finalizer must never throw.
            }
        }

        public int flags => (int)Head.Flags;

        public object offset => PythonValues.ToPython(Head.Offset);

        public object? obj => Head.Base.Obj;

        public object nbytes => PythonValues.ToPython(Head.Base.Len);

        public bool @readonly => Head.Base.ReadOnly;

        public object itemsize => PythonValues.ToPython(Head.Base.ItemSize);

        public string format => Head.Base.Format ?? string.Empty;

        public int ndim => Head.Base.NDim;

        public PythonTuple shape => PythonValues.TupleOf(Head.Base.Shape);

        public PythonTuple strides => PythonValues.TupleOf(Head.Base.Strides);

        public PythonTuple suboffsets => PythonValues.TupleOf(Head.Base.Suboffsets);

        public bool c_contiguous => Contiguity(Geometry.Order.C, Head.IsCContiguous);

        public bool f_contiguous => Contiguity(Geometry.Order.Fortran, Head.IsFContiguous);

        public bool contiguous => Contiguity(Geometry.Order.Any, Head.IsAnyContiguous);

        /// <summary>The active base buffer.</summary>
        internal NDBuffer Head
        {
            get
            {
                if (_consumed is not null)
                {
                    return _consumed;
                }

                lock (_lock)
                {
                    return _bases!.First!.Value;
                }
            }
        }

        [Documentation("tolist()\n\nThe items as nested lists (the item itself for ndim 0).")]
        public object? tolist(CodeContext context)
        {
            BufferView view = Head.Base;
            string format = view.Format
                ?? throw PythonErrors.ValueError("ndarray: tolist() does not support format=NULL, use tobytes()");
            StructFormat parsed = NDItems.Parse(context, format);
            if (parsed.Size != view.ItemSize)
            {
                throw PythonErrors.StructError(context, $"unpack_from requires a buffer of at least {parsed.Size} bytes");
            }

            return Head.ToList(PythonValues.Boxer, items => PythonOps.MakeListNoCopy(items!));
        }

        [Documentation("tobytes()\n\nThe items as bytes, in C order.")]
        public Bytes tobytes(CodeContext context) => PythonValues.WrapBytes(Head.ToBytes());

        [Documentation("push(items, shape, strides=None, offset=0, format='B', flags=ND_DEFAULT)\n\nMake a new base buffer the active one.")]
        public void push(CodeContext context, object? items, object? shape, object? strides = null, object? offset = null, object? format = null, object? flags = null)
        {
            long start = offset is null ? 0 : PythonValues.ToSsize(offset);
            int ndFlags = flags is null ? 0 : PythonValues.ToIntArgument(flags);
            if ((ndFlags & ND_VAREXPORT) != 0)
            {
                throw PythonErrors.ValueError("ND_VAREXPORT flag can only be used during object creation");
            }

            RequireMutable((_arrayFlags & NDFlags.VarExport) != 0);
            NDBuffer pushed = Build(context, items, shape, strides, start, format, (NDFlags)ndFlags);
            lock (_lock)
            {
                _bases!.AddFirst(pushed);
            }
        }

        [Documentation("pop()\n\nDrop the active base buffer; the previous one becomes active.")]
        public void pop()
        {
            RequireMutable(varExport: false);
            lock (_lock)
            {
                if (_bases!.Count == 1)
                {
                    throw PythonErrors.BufferError("list only has a single base");
                }

                _bases.RemoveFirst();
            }
        }

        [Documentation("add_suboffsets()\n\nAdd redundant (negative) suboffsets, for tests.")]
        public void add_suboffsets()
        {
            NDBuffer head = Head;
            if (head.Base.HasSuboffsets)
            {
                throw PythonErrors.TypeError("cannot add suboffsets to PIL-style array");
            }

            if (!head.Base.HasStrides)
            {
                throw PythonErrors.TypeError("cannot add suboffsets to array without strides");
            }

            var suboffsets = new long[head.Base.NDim];
            Array.Fill(suboffsets, -1);
            head.Base.SetSuboffsets(suboffsets);
            head.Flags &= ~(NDFlags.C | NDFlags.Fortran);
        }

        [Documentation("memoryview_from_buffer()\n\nPyMemoryView_FromBuffer over a copy of the raw memory with this view's structure.")]
        public object memoryview_from_buffer(CodeContext context)
        {
            BufferView view = Head.Base;
            NDBuffer owner = _consumed is null ? Head
                : view.Obj is NDArrayObject { _consumed: null } original ? original.Head
                : throw PythonErrors.TypeError("memoryview_from_buffer(): ndarray must be original exporter or consumer from ndarray/original exporter");
            if (view.Format is { Length: > ND_MAX_NDIM })
            {
                throw PythonErrors.TypeError($"memoryview_from_buffer: format is limited to {ND_MAX_NDIM} characters");
            }

            // The copy's pointers (PIL-style) still lead into the original memory, as in CPython; the
            // copy keeps that memory alive.
            byte[] bytes = owner.Data!.At(0).Slice(owner.Data.Length).ToArray();
            var copy = new ManagedMemoryBlock(bytes, owner.Data);
            var info = BufferView.Create(
                null,
                copy.At(view.Buf.Offset),
                view.Len,
                view.ItemSize,
                view.ReadOnly,
                view.NDim,
                view.Format,
                view.HasShape ? view.Shape.ToArray() : null,
                view.HasStrides ? view.Strides.ToArray() : null,
                view.HasSuboffsets ? view.Suboffsets.ToArray() : null);
            return NewBufferModule.MemoryViewObject.FromView(info);
        }

        // IronPython binds nd[a, b] as __getitem__(a, b) rather than passing the tuple.
        public object? __getitem__(CodeContext context, object? first, object? second, params object?[]? rest) =>
            __getitem__(context, PythonOps.MakeTuple([first!, second!, .. PythonValues.ParamsArguments(rest)!]));

        public void __setitem__(CodeContext context, object? first, object? second, object? third, params object?[]? rest)
        {
            object?[] all = [first, second, third, .. PythonValues.ParamsArguments(rest)];
            __setitem__(context, PythonOps.MakeTuple(all[..^1]!), all[^1]);
        }

        public object? __getitem__(CodeContext context, object? key) => Subscript(key);

        public void __setitem__(CodeContext context, object? key, object? value) => Assign(context, key, value);

        public void __delitem__(object? key)
        {
            if (Head.Base.ReadOnly)
            {
                throw PythonErrors.TypeError("ndarray is not writable");
            }

            throw PythonErrors.TypeError("ndarray data cannot be deleted");
        }

        public int __hash__(CodeContext context)
        {
            BufferView view = Head.Base;
            if (!view.ReadOnly)
            {
                throw PythonErrors.ValueError("cannot hash writable ndarray object");
            }

            if (view.Obj is not null)
            {
                PythonOps.Hash(context, view.Obj);
            }

            return PythonOps.Hash(context, tobytes(context));
        }

        // Declared rather than left to IronPython, whose methods derived from IEnumerable do not check
        // their receiver (ndarray.__iter__(None) was a NullReferenceException).
        [Documentation("Iterate over the items (one dimension) or the sub-arrays, until IndexError.")]
        public IEnumerator __iter__() => ((IEnumerable)this).GetEnumerator();

        public bool __contains__(CodeContext context, object? value)
        {
            foreach (object? item in this)
            {
                if (PythonOps.EqualRetBool(context, item, value))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The sequence protocol CPython gives ndarray through sq_item: items until IndexError.</summary>
        IEnumerator IEnumerable.GetEnumerator()
        {
            for (long i = 0; ; i++)
            {
                NDBuffer head = Head;
                if (head.Base.NDim != 0 && i >= head.Length)
                {
                    yield break;
                }

                yield return Item(i);
            }
        }

        void IBufferExporter.GetBuffer(BufferView view, Flags flags)
        {
            NDBuffer head = Head;
            if (head.Base.Obj is { } inner && (head.Flags & NDFlags.Redirect) != 0)
            {
                BufferView redirected = BufferView.Acquire(ExporterDispatch.Create(_context, inner, string.Empty), flags);
                view.CopyLayoutFrom(redirected);
                view.Obj = redirected.Obj;
                view.Internal = new Redirected(redirected);
                return;
            }

            lock (_lock)
            {
                head.Answer(view, flags);
                view.Obj = this;
                head.Exports++;
            }
        }

        void IBufferExporter.ReleaseBuffer(BufferView view)
        {
            if (view.Internal is Redirected redirected)
            {
                redirected.View.Release();
                return;
            }

            if (_bases is null || view.Internal is not NDBuffer exported)
            {
                return;
            }

            lock (_lock)
            {
                if (--exported.Exports == 0 && exported != _bases.First!.Value)
                {
                    _bases.Remove(exported);
                }
            }
        }

        IPythonBuffer IBufferProtocol.GetBuffer(global::IronPython.Runtime.BufferFlags flags) =>
            PythonBufferAdapter.Export(this, (Flags)(int)flags, "ndarray");

        /// <summary>init_ndbuf: a base buffer from items, shape, strides, offset, format and flags, checked in CPython's order.</summary>
        private static NDBuffer Build(CodeContext context, object? items, object? shape, object? strides, long offset, object? format, NDFlags flags)
        {
            IList<object?> shapeItems = NDArgs.ListOrTuple(shape, "shape");
            if (shapeItems.Count > ND_MAX_NDIM)
            {
                throw PythonErrors.ValueError($"ndim must not exceed {ND_MAX_NDIM}");
            }

            IList<object?>? strideItems = null;
            if (strides is not null)
            {
                strideItems = NDArgs.ListOrTuple(strides, "strides");
                if (strideItems.Count == 0)
                {
                    strideItems = null;
                }
                else if ((flags & NDFlags.Fortran) != 0)
                {
                    throw PythonErrors.TypeError("ND_FORTRAN cannot be used together with strides");
                }
                else if (strideItems.Count != shapeItems.Count)
                {
                    throw PythonErrors.ValueError("len(shape) != len(strides)");
                }
            }

            string text = format switch
            {
                null => "B",
                string s => s,
                _ => throw PythonErrors.TypeError($"Struct() argument 1 must be a str or bytes object, not {PythonErrors.TypeName(format)}"),
            };

            StructFormat parsed = NDItems.Parse(context, text);
            long itemSize = parsed.Size;
            if (itemSize == 0)
            {
                throw PythonErrors.ValueError("itemsize must not be zero");
            }

            IList<object?> values = shapeItems.Count == 0 ? [items] : NDArgs.ListOrTuple(items, "items");
            if (values.Count == 0)
            {
                throw PythonErrors.ValueError("initializer list or tuple must not be empty");
            }

            NDBuffer buffer = NDBuffer.Create(values.Count, itemSize, offset, flags);
            NDItems.PackAll(context, buffer.Data!.At(0).Slice(buffer.Data.Length), parsed, itemSize, values);
            buffer.InitSimple(itemSize, text);
            buffer.InitStructure(
                NDArgs.ToSizes(shapeItems, isShape: true),
                strideItems is null ? null : NDArgs.ToSizes(strideItems, isShape: false));
            return buffer;
        }

        private void RequireMutable(bool varExport)
        {
            if (_consumed is not null)
            {
                throw PythonErrors.BufferError("structure of re-exporting object is immutable");
            }

            long exports = Head.Exports;
            if (!varExport && exports > 0)
            {
                throw PythonErrors.BufferError($"cannot change structure: {BufferErrors.ExportedBuffers(exports)}");
            }
        }

        private bool Contiguity(Geometry.Order order, bool fromFlags)
        {
            bool actual = RawView.IsContiguous(Head.Base, order);
            if (actual != fromFlags)
            {
                throw PythonOps.RuntimeError("results from PyBuffer_IsContiguous() and flags differ");
            }

            return actual;
        }

        /// <summary>A new consumer of this ndarray's PyBUF_FULL_RO view (ndarray_init_staticbuf on self).</summary>
        private NDArrayObject ConsumeSelf() => new(_context, NDBuffer.Consume(BufferView.Acquire(this, Flags.FullRO)));

        private void ReleaseConsumed()
        {
            if (_consumed is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                GC.SuppressFinalize(this);
                _consumed.Base.Release();
            }
        }

        /// <summary>ndarray_item: an item of a 1-d array, or the sub-array at <paramref name="index"/>.</summary>
        private object? Item(long index)
        {
            NDBuffer head = Head;
            if (head.Base.NDim == 0)
            {
                throw PythonErrors.TypeError("invalid indexing of scalar");
            }

            BufferPointer at = head.PointerAt(index);
            if (head.Base.NDim == 1)
            {
                return NDItems.Unpack(_context, at, head.Base.Format, head.Base.ItemSize);
            }

            NDArrayObject sub = ConsumeSelf();
            sub.Head.Descend(at);
            return sub;
        }

        /// <summary>ndarray_subscript: an item, a sub-array, or a consumer sliced in one or more dimensions.</summary>
        private object? Subscript(object? key)
        {
            BufferView view = Head.Base;
            if (view.NDim == 0)
            {
                return key switch
                {
                    PythonTuple { Count: 0 } => NDItems.Unpack(_context, view.Buf, view.Format, view.ItemSize),
                    Ellipsis => this,
                    _ => throw PythonErrors.TypeError("invalid indexing of scalar"),
                };
            }

            if (PythonValues.IsIndex(key))
            {
                return Item(PythonValues.ToSsize(key));
            }

            NDArrayObject sliced = ConsumeSelf();
            try
            {
                NDBuffer head = sliced.Head;
                head.Flags |= NDFlags.OwnArrays;
                switch (key)
                {
                    case Slice slice:
                        SliceDimension(head, 0, slice);
                        break;
                    case PythonTuple tuple:
                        for (int i = 0; i < tuple.Count; i++)
                        {
                            SliceDimension(head, i, tuple[i] as Slice ?? throw CannotIndex(tuple[i]));
                        }

                        break;
                    default:
                        throw CannotIndex(key);
                }

                head.Resize();
                return sliced;
            }
            catch
            {
                sliced.ReleaseConsumed();
                throw;
            }
        }

        /// <summary>ndarray_ass_subscript: one item packed, or an exporter's items copied into a sub-array or slice.</summary>
        private void Assign(CodeContext context, object? key, object? value)
        {
            BufferView dest = Head.Base;
            if (dest.ReadOnly)
            {
                throw PythonErrors.TypeError("ndarray is not writable");
            }

            if (dest.NDim == 0)
            {
                if (key is not (Ellipsis or PythonTuple { Count: 0 }))
                {
                    throw PythonErrors.TypeError("invalid indexing of scalar");
                }

                PackAt(dest.Buf, dest, value);
                return;
            }

            if (dest.NDim == 1 && PythonValues.IsIndex(key))
            {
                PackAt(Head.PointerAt(PythonValues.ToSsize(key)), dest, value);
                return;
            }

            BufferView src = Acquire(context, value, Flags.FullRO);
            try
            {
                var target = (NDArrayObject)Subscript(key)!;
                try
                {
                    NDBuffer.Copy(target.Head.Base, src);
                }
                finally
                {
                    target.ReleaseConsumed();
                }
            }
            finally
            {
                src.Release();
            }
        }

        private void PackAt(BufferPointer at, BufferView view, object? value) =>
            NDItems.Pack(_context, at.Slice(view.ItemSize), NDItems.Parse(_context, view.Format ?? "B"), value);

        private static void SliceDimension(NDBuffer head, int dim, Slice slice)
        {
            if (dim >= head.Base.NDim)
            {
                throw PythonErrors.TypeError($"cannot index {head.Base.NDim}-dimension view with {dim + 1}-element tuple");
            }

            (long start, _, long step, long length) = NDArgs.Resolve(slice, head.Base.Shape[dim]);
            head.Slice(dim, start, step, length);
        }

        private static Exception CannotIndex(object? key) =>
            PythonErrors.TypeError($"cannot index memory using \"{PythonErrors.TypeName(key)}\"");

        /// <summary>The internal of a view answered by the object a redirecting consumer consumed.</summary>
        private sealed record Redirected(BufferView View);
    }
}
