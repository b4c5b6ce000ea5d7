// Memory<T>, ReadOnlyMemory<T> (exported read-only) and ArraySegment<T> of a primitive T: one
// dimension, pinned with Memory<T>.Pin for each export, so any backing (an array, a string's
// chars, a MemoryManager's native memory) works as it does for .NET code.
using System;
using System.Runtime.InteropServices;
using NewBuffer.Format;
using NewBuffer.Protocol;

namespace NewBuffer.Clr;

internal sealed class MemoryExporter<T> : IBufferExporter
    where T : unmanaged
{
    private static readonly string s_format = ClrElementFormats.TryGet(typeof(T), out string? format, out _) ? format
        : throw new NotSupportedException($"{typeof(T).Name} has no struct format");

    private readonly object _source;
    private readonly Memory<T> _memory;
    private readonly bool _readOnly;

    private MemoryExporter(object source, Memory<T> memory, bool readOnly)
    {
        _source = source;
        _memory = memory;
        _readOnly = readOnly;
    }

    /// <summary>The exporter for a boxed Memory&lt;T&gt;, ReadOnlyMemory&lt;T&gt; or ArraySegment&lt;T&gt; (ClrExport builds a delegate to this per T).</summary>
    public static IBufferExporter Create(object source) => source switch
    {
        Memory<T> memory => new MemoryExporter<T>(source, memory, readOnly: false),
        ReadOnlyMemory<T> memory => new MemoryExporter<T>(source, MemoryMarshal.AsMemory(memory), readOnly: true),
        ArraySegment<T> segment => new MemoryExporter<T>(source, segment.AsMemory(), readOnly: false),
        _ => throw new ArgumentException($"not a memory of {typeof(T).Name}", nameof(source)),
    };

    public unsafe void GetBuffer(BufferView view, BufferFlags flags)
    {
        System.Buffers.MemoryHandle handle = _memory.Pin();
        var pin = new PinnedBlock((nint)handle.Pointer, (long)_memory.Length * sizeof(T), _source, handle);
        ClrExport.Answer(view, _source, pin, [_memory.Length], sizeof(T), s_format, _readOnly, flags, ClrExport.TypeName(_source.GetType()));
    }

    public void ReleaseBuffer(BufferView view) => PinnedBlock.Of(view).Dispose();
}
