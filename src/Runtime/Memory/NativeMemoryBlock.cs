// Native memory: an address and a length someone vouches for (a pinned array, a ctypes object, an
// allocation). The block keeps its owner alive; the owner keeps the memory valid. The runtime
// trusts the length given here and nothing else, so creating one is the single unsafe act.
// The length is 64-bit: a native or memory-mapped block may pass 2 GiB (see MemoryBlock on spans).
using System;

namespace NewBuffer.Memory;

/// <summary>A block over native (or pinned) memory.</summary>
public sealed unsafe class NativeMemoryBlock : MemoryBlock
{
    private readonly nint _pointer;
    private readonly long _length;
    private readonly object? _owner;

    /// <summary>A block over <paramref name="length"/> bytes at <paramref name="pointer"/>.</summary>
    /// <param name="pointer">The first byte; must stay valid while <paramref name="owner"/> lives.</param>
    /// <param name="length">The number of bytes.</param>
    /// <param name="owner">What keeps the memory valid (a pin handle, an allocation, a host object).</param>
    public NativeMemoryBlock(nint pointer, long length, object? owner)
    {
        if (pointer == 0 && length != 0)
        {
            throw new ArgumentException("A native block needs a non-null pointer.", nameof(pointer));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _pointer = pointer;
        _length = length;
        _owner = owner;
    }

    /// <inheritdoc/>
    public override long Length => _length;


    /// <inheritdoc/>
    public override object? Owner => _owner;

    /// <inheritdoc/>
    public override System.Buffers.MemoryHandle Pin(long offset) => new((byte*)_pointer + offset);

    internal override long FixedAddress => _pointer;

    /// <inheritdoc/>
    protected internal override Span<byte> GetSpanCore(long offset, int length) => new((byte*)_pointer + offset, length);
}
