// A MemoryBlock is one contiguous run of bytes an exporter supplied: a managed array, a
// Memory<byte>, or native memory. Every byte the runtime reads or writes is reached through a
// bounds-checked GetSpan, so no view, however wrong, can lead outside memory some exporter handed over.
//
// Size: a block's length is a long (PEP 3118 sizes are Py_ssize_t; a native or memory-mapped block
// may pass 2 GiB), while a Span holds at most int.MaxValue bytes. So there is no span of a whole
// block: callers ask for the piece they touch, and bulk work goes in pieces (ViewCopier.Pieces).
//
// Address: PEP 3118 lets a buffer hold pointers (PIL-style suboffsets), and Python code reads
// Py_buffer.buf as an integer, so a block needs a real address. Native blocks have one; managed
// blocks pin their memory the first time one is asked for. MemoryRegistry turns an address back into
// (block, offset) and refuses any address no live block contains, so following a pointer never reads
// memory that no exporter supplied.
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace NewBuffer.Memory;

/// <summary>A contiguous range of bytes supplied by an exporter.</summary>
public abstract class MemoryBlock
{
    /// <summary>The largest piece bulk operations take at once (1 GiB): well inside a span, large enough that the loop costs nothing.</summary>
    public const int MaxPiece = 1 << 30;

    private long _address;

    /// <summary>The number of bytes in the block.</summary>
    public abstract long Length { get; }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/>. Valid while the block's owner keeps the memory alive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bytes are not all inside the block.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            ThrowOutside(offset, length);
        }

        return GetSpanCore(offset, length);
    }

    /// <summary>The object that owns the memory, kept alive by the block (an array, a pin handle, a host object).</summary>
    public abstract object? Owner { get; }

    /// <summary>The address pointers stored in buffers use for the first byte of this block.</summary>
    /// <remarks>Taking it registers the block, so pointers to it can be resolved while the block lives.</remarks>
    public long Address
    {
        get
        {
            long address = Volatile.Read(ref _address);
            return address != 0 ? address : MemoryRegistry.Register(this, ref _address);
        }
    }

    /// <summary>Whether <see cref="Address"/> was ever taken, so the block is registered.</summary>
    public bool HasAddress => Volatile.Read(ref _address) != 0;

    /// <summary>The address of the first byte of <paramref name="span"/>, whose memory <paramref name="pin"/> holds pinned.</summary>
    /// <remarks>An empty span has no first byte; the pinned object's address stands in, so empty memory is not NULL.</remarks>
    public static unsafe nint PinnedStart(ReadOnlySpan<byte> span, MemoryHandle pin) =>
        span.IsEmpty ? (nint)pin.Pointer : (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));

    /// <summary>The real address of the first byte, fixed from the first call on (managed memory pins itself).</summary>
    internal abstract long FixedAddress { get; }

    /// <summary>Pins the block (if it can move) and returns a handle to the byte at <paramref name="offset"/>.</summary>
    public abstract System.Buffers.MemoryHandle Pin(long offset);

    /// <summary>A pointer to <paramref name="offset"/> bytes into this block.</summary>
    public BufferPointer At(long offset) => new(this, offset);

    /// <summary>The span <see cref="GetSpan"/> returns, its bounds already checked (BufferPointer, having checked them, calls it directly).</summary>
    protected internal abstract Span<byte> GetSpanCore(long offset, int length);

    private void ThrowOutside(long offset, int length) => throw new ArgumentOutOfRangeException(
        nameof(offset), $"{length} bytes at offset {offset} lie outside a block of {Length} bytes.");
}
