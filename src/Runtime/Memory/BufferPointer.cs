// A C `char *buf` made safe: which block, and how far into it. Arithmetic never fails; only reading
// or writing checks that the bytes lie inside the block, so a view may point past its block as long
// as it never touches what lies there (a zero-length view, a negative-stride origin).
using System;

namespace NewBuffer.Memory;

/// <summary>A position in exporter memory: a block and a byte offset into it.</summary>
public readonly struct BufferPointer : IEquatable<BufferPointer>
{
    /// <summary>A pointer to <paramref name="offset"/> bytes into <paramref name="block"/>.</summary>
    public BufferPointer(MemoryBlock? block, long offset)
    {
        Block = block;
        Offset = offset;
    }

    /// <summary>The block, or null for a null pointer.</summary>
    public MemoryBlock? Block { get; }

    /// <summary>The byte offset from the start of <see cref="Block"/>; may lie outside it.</summary>
    public long Offset { get; }

    /// <summary>True for a pointer to no memory at all (C's NULL).</summary>
    public bool IsNull => Block is null;

    /// <summary>The integer address the pointer stands for (0 for null).</summary>
    public long Address => Block is null ? 0 : Block.Address + Offset;

    /// <summary>This pointer moved by <paramref name="delta"/> bytes.</summary>
    public BufferPointer Add(long delta) => new(Block, Offset + delta);

    /// <summary>True when <paramref name="count"/> bytes from here lie inside the block.</summary>
    public bool CanAccess(long count) =>
        Block is not null && Offset >= 0 && count >= 0 && Offset <= Block.Length - count;

    /// <summary>The <paramref name="count"/> bytes at this pointer.</summary>
    /// <exception cref="Protocol.BufferException">The bytes are not all inside the block.</exception>
    public Span<byte> Slice(long count)
    {
        if (count == 0)
        {
            // No bytes: anything, even NULL or the end of a block, is a valid place for none.
            return Span<byte>.Empty;
        }

        if (!CanAccess(count))
        {
            ThrowOutside(count);
        }

        return Block!.Span.Slice((int)Offset, (int)count);
    }

    /// <inheritdoc/>
    public bool Equals(BufferPointer other) => ReferenceEquals(Block, other.Block) && Offset == other.Offset;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BufferPointer other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Block, Offset);

    /// <summary>Same block and offset.</summary>
    public static bool operator ==(BufferPointer left, BufferPointer right) => left.Equals(right);

    /// <summary>Different block or offset.</summary>
    public static bool operator !=(BufferPointer left, BufferPointer right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => IsNull ? "NULL" : $"0x{Address:x}";

    private void ThrowOutside(long count) => Protocol.ThrowHelper.ThrowValue(Block is null
        ? "buffer: access through a NULL pointer"
        : $"buffer: {count} bytes at offset {Offset} lie outside the exporter's memory of {Block.Length} bytes");
}
