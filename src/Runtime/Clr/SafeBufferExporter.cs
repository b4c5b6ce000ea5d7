// A SafeBuffer (any native allocation .NET wraps with a length) or a memory-mapped view accessor,
// exported as unsigned bytes sized by its capacity. Each export acquires the pointer, which also
// keeps the handle open: disposing the buffer or the accessor while Python reads it cannot free
// the memory under the reader; the memory goes when the last export is released.
using System;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using NewBuffer.Protocol;

namespace NewBuffer.Clr;

internal sealed class SafeBufferExporter : IBufferExporter
{
    private readonly object _source;
    private readonly MemoryMappedViewAccessor? _accessor;
    private readonly SafeBuffer _buffer;

    public SafeBufferExporter(SafeBuffer buffer)
    {
        _source = _buffer = buffer;
    }

    public SafeBufferExporter(MemoryMappedViewAccessor accessor)
    {
        _source = _accessor = accessor;
        _buffer = accessor.SafeMemoryMappedViewHandle;
    }

    public unsafe void GetBuffer(BufferView view, BufferFlags flags)
    {
        string who = ClrExport.TypeName(_source.GetType());
        byte* pointer = null;
        long offset, length;
        try
        {
            // A disposed accessor or buffer, or a SafeBuffer never given its length, has no memory to export.
            (offset, length) = _accessor is { } accessor ? (accessor.PointerOffset, accessor.Capacity) : (0L, (long)_buffer.ByteLength);
            _buffer.AcquirePointer(ref pointer);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            ThrowHelper.ThrowBuffer($"{who}: no memory to export ({(e is ObjectDisposedException ? "it was disposed" : "it was not initialized")})");
            return;
        }

        var pin = new PinnedBlock((nint)(pointer + offset), length, _source, new PointerLease(_buffer));
        ClrExport.Answer(view, _source, pin, [length], 1, "B", _accessor is { CanWrite: false }, flags, who);
    }

    public void ReleaseBuffer(BufferView view) => PinnedBlock.Of(view).Dispose();

    private sealed class PointerLease(SafeBuffer buffer) : IDisposable
    {
        public void Dispose() => buffer.ReleasePointer();
    }
}
