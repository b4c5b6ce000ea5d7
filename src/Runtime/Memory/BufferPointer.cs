// A C `char *buf` made safe: which block, and how far into it. Arithmetic never fails; only reading
// or writing checks that the bytes lie inside the block, so a view may point past its block as long
// as it never touches what lies there (a zero-length view, a negative-stride origin).
// Offsets and counts are 64-bit; a span holds at most int.MaxValue bytes, so Slice refuses more and
// CopyTo/SequenceEqual go through blocks of any size in pieces of MemoryBlock.MaxPiece bytes.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>The <paramref name="count"/> bytes at this pointer, as one span.</summary>
    /// <exception cref="Protocol.BufferException">The bytes are not all inside the block (Kind Value), or more
    /// than one span can hold (Kind Memory: go in pieces, as <see cref="CopyTo"/> does).</exception>
    public Span<byte> Slice(long count)
    {
        if (count == 0)
        {
            // No bytes: anything, even NULL or the end of a block, is a valid place for none.
            return Span<byte>.Empty;
        }

        if (!CanAccess(count) || count > int.MaxValue)
        {
            ThrowCannotSlice(count);
        }

        return Block!.GetSpanCore(Offset, (int)count);
    }

    /// <summary>Copies <paramref name="count"/> bytes from here to <paramref name="dest"/>, correctly when the two overlap (memmove).</summary>
    /// <exception cref="Protocol.BufferException">Either range is not all inside its block.</exception>
    public void CopyTo(BufferPointer dest, long count)
    {
        if (count <= MemoryBlock.MaxPiece)
        {
            Slice(count).CopyTo(dest.Slice(count));
            return;
        }

        CheckAccess(count);
        dest.CheckAccess(count);

        // Each piece is a memmove; across pieces, a destination that starts inside the source must be
        // filled from the end, or the first pieces would overwrite source bytes not yet copied.
        long distance = Unsafe.ByteOffset(ref First(), ref dest.First());
        bool backward = distance > 0 && distance < count;
        for (long done = 0; done < count; done += MemoryBlock.MaxPiece)
        {
            long piece = Math.Min(MemoryBlock.MaxPiece, count - done);
            long at = backward ? count - done - piece : done;
            Add(at).Slice(piece).CopyTo(dest.Add(at).Slice(piece));
        }
    }

    /// <summary>Whether the <paramref name="count"/> bytes here equal those at <paramref name="other"/>.</summary>
    /// <exception cref="Protocol.BufferException">Either range is not all inside its block.</exception>
    public bool SequenceEqual(BufferPointer other, long count)
    {
        CheckAccess(count);
        other.CheckAccess(count);
        for (long done = 0; done < count; done += MemoryBlock.MaxPiece)
        {
            long piece = Math.Min(MemoryBlock.MaxPiece, count - done);
            if (!Add(done).Slice(piece).SequenceEqual(other.Add(done).Slice(piece)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="aCount"/> bytes at <paramref name="a"/> and <paramref name="bCount"/> bytes at
    /// <paramref name="b"/> share memory, by address (blocks may alias); true when either range is not inside its block.</summary>
    internal static bool Overlap(BufferPointer a, long aCount, BufferPointer b, long bCount)
    {
        if (aCount == 0 || bCount == 0)
        {
            return false;
        }

        if (!a.CanAccess(aCount) || !b.CanAccess(bCount))
        {
            return true;
        }

        long distance = Unsafe.ByteOffset(ref a.First(), ref b.First());
        return distance < aCount && -distance < bCount;
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

    private void CheckAccess(long count)
    {
        if (count != 0 && !CanAccess(count))
        {
            ThrowOutside(count);
        }
    }

    // The first byte, for comparing positions in memory (blocks may alias: two blocks over one array).
    private ref byte First() => ref MemoryMarshal.GetReference(Block!.GetSpan(Offset, 0));

    private void ThrowCannotSlice(long count)
    {
        if (!CanAccess(count))
        {
            ThrowOutside(count);
        }

        Protocol.ThrowHelper.Throw(Protocol.BufferErrorKind.Memory, $"buffer: {count} bytes do not fit in one span");
    }

    private void ThrowOutside(long count) => Protocol.ThrowHelper.ThrowValue(Block is null
        ? "buffer: access through a NULL pointer"
        : $"buffer: {count} bytes at offset {Offset} lie outside the exporter's memory of {Block.Length} bytes");
}
