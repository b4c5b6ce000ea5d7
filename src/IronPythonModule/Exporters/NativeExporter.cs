// IronPython's own exporters (bytes, bytearray, array, mmap, its memoryview, ctypes objects) seen
// through the core contract. The view's memory is a LentMemoryBlock reading the IronPython buffer's
// span on each access: IronPython keeps it valid (a bytearray cannot resize while exported) for the
// life of the export, and it is pinned only if someone needs an address (a GCHandle per request was
// a good part of a small request's cost), until the export ends. The block starts where the
// buffer's span starts: for a slice of IronPython's memoryview, Pin()'s pointer is the start of the
// whole array, not of the slice (LentMemoryBlock takes the address from the span).
//
// IronPython's buffers describe a contiguous 1-D export with a null shape and strides whatever the
// request; we answer the request's ND and STRIDES honestly by filling them in, so the itemsize of an
// array('i') survives.
//
// The export is always the IronPython type's own: a Python subclass that re-implements the buffer
// interface (newbuffer.exporter on a bytearray subclass) routes interface calls to Python, which
// would come back here, so the builtin's implementation is called directly.
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using IronPython.Runtime;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using CoreFlags = NewBuffer.Protocol.BufferFlags;
using IronPythonFlags = IronPython.Runtime.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class NativeExporter : IReclaimableExporter, IMemoryLender
{
    private static readonly ConcurrentDictionary<Type, Func<IBufferProtocol, IronPythonFlags, IPythonBuffer>> s_builtinGetBuffer = new();

    private readonly IBufferProtocol _source;
    private IPythonBuffer? _buffer;
    private LentMemoryBlock? _block;

    public NativeExporter(IBufferProtocol source) => _source = source;

    public void GetBuffer(BufferView view, CoreFlags flags)
    {
        IPythonBuffer buffer = GetBuiltinBuffer(_source, (IronPythonFlags)(int)flags);
        try
        {
            _buffer = buffer;
            var block = _block = new LentMemoryBlock(this, buffer.AsReadOnlySpan().Length);
            view.Obj = _source;
            view.Buf = block.At(buffer.Offset);
            view.ReadOnly = buffer.IsReadOnly;
            view.ItemSize = buffer.ItemSize;
            view.Format = buffer.Format;
            view.NDim = buffer.NumOfDims;
            view.Len = (long)buffer.ItemCount * buffer.ItemSize;
            // Converted on the stack: the view keeps a copy (one array per field, not two).
            Span<long> scratch = stackalloc long[ViewLayout.MaxNDim];
            if (buffer.Shape is { } shape)
            {
                view.SetShape(ToLongs(shape, scratch));
            }
            else if (flags.WantsShape())
            {
                scratch[0] = buffer.ItemCount;
                view.SetShape(scratch[..Math.Clamp(view.NDim, 0, 1)]);
            }

            if (buffer.Strides is { } strides)
            {
                view.SetStrides(ToLongs(strides, scratch));
            }
            else if (view.HasShape && flags.WantsStrides())
            {
                // No strides from IronPython means C-contiguous items (its buffer interface's rule).
                ReadOnlySpan<long> shown = view.Shape;
                Span<long> contiguous = Room(scratch, shown.Length);
                ViewLayout.ContiguousStrides(shown, buffer.ItemSize, contiguous);
                view.SetStrides(contiguous);
            }

            if (buffer.SubOffsets is { } suboffsets)
            {
                view.SetSuboffsets(ToLongs(suboffsets, scratch));
            }
        }
        catch
        {
            ReleaseBuffer(view);
            throw;
        }
    }

    // The buffer stays referenced: a span of it read after release is still managed memory.
    public void ReleaseBuffer(BufferView view) => GiveBack(_buffer, _block);

    /// <summary>A view dropped unreleased gives back only IronPython's buffer and the pin: the rest of the view
    /// need not live through another collection.</summary>
    public ExportReclaimer CreateReclaimer(BufferView view) => new Reclaimer(_buffer!, _block!);

    /// <summary>The buffer's bytes; IronPython's read-only exports are written only where our view allows writing.</summary>
    Span<byte> IMemoryLender.GetSpan()
    {
        ReadOnlySpan<byte> span = _buffer!.AsReadOnlySpan();
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);
    }

    MemoryHandle IMemoryLender.Pin() => _buffer!.Pin();

    /// <summary>The nearest compiled (not Python-generated) type of <paramref name="type"/>'s hierarchy that
    /// implements IronPython's buffer interface, or null when only Python code implements it.</summary>
    internal static Type? BuiltinBufferType(Type type)
    {
        for (Type? t = type; t is not null && typeof(IBufferProtocol).IsAssignableFrom(t); t = t.BaseType)
        {
            if (!t.Assembly.IsDynamic)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary><paramref name="source"/>'s answer from the IronPython type's own implementation (see the header).</summary>
    internal static IPythonBuffer GetBuiltinBuffer(IBufferProtocol source, IronPythonFlags flags) => BuiltinGetBuffer(source.GetType())(source, flags);

    /// <summary>The GetBuffer of <see cref="BuiltinBufferType"/>, called directly; the interface when there is none.</summary>
    private static Func<IBufferProtocol, IronPythonFlags, IPythonBuffer> BuiltinGetBuffer(Type type) =>
        s_builtinGetBuffer.GetOrAdd(type, static type =>
        {
            Type? builtin = BuiltinBufferType(type);
            if (builtin is null || builtin == type)
            {
                return static (source, flags) => source.GetBuffer(flags);
            }

            InterfaceMapping map = builtin.GetInterfaceMap(typeof(IBufferProtocol));
            var method = map.TargetMethods[Array.IndexOf(map.InterfaceMethods, typeof(IBufferProtocol).GetMethod(nameof(IBufferProtocol.GetBuffer))!)];

            // A final method: even a virtual call reaches this implementation, not the re-implementation.
            ParameterExpression source = Expression.Parameter(typeof(IBufferProtocol)), flags = Expression.Parameter(typeof(IronPythonFlags));
            return Expression.Lambda<Func<IBufferProtocol, IronPythonFlags, IPythonBuffer>>(
                Expression.Call(Expression.Convert(source, builtin), method, flags), source, flags).Compile();
        });

    private sealed class Reclaimer(IPythonBuffer buffer, LentMemoryBlock block) : ExportReclaimer
    {
        protected override void Reclaim() => GiveBack(buffer, block);
    }

    /// <summary>Ends an export: the pin an address needed, then IronPython's buffer.</summary>
    private static void GiveBack(IPythonBuffer? buffer, LentMemoryBlock? block)
    {
        block?.TakePin().Dispose();
        buffer?.Dispose();
    }

    /// <summary><paramref name="values"/> as longs, in <paramref name="scratch"/> when they fit.</summary>
    private static ReadOnlySpan<long> ToLongs(System.Collections.Generic.IReadOnlyList<int> values, Span<long> scratch)
    {
        Span<long> result = Room(scratch, values.Count);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary><paramref name="count"/> longs: the start of <paramref name="scratch"/>, or a new array past its length.</summary>
    private static Span<long> Room(Span<long> scratch, int count) => count <= scratch.Length ? scratch[..count] : new long[count];
}
