// Whoever lends a LentMemoryBlock its memory: a host buffer that stays valid and unmoved in size for
// the life of one export (IronPython locks a bytearray against resizing while it is exported), but
// that is not pinned unless someone needs an address.
using System;
using System.Buffers;

namespace NewBuffer.Memory;

/// <summary>Memory lent for the life of one export (see <see cref="LentMemoryBlock"/>).</summary>
public interface IMemoryLender
{
    /// <summary>The lent bytes, asked for on every access (the memory may move until it is pinned).</summary>
    Span<byte> GetSpan();

    /// <summary>Pins the memory until the lender's export ends; the handle need not point at the first byte.</summary>
    MemoryHandle Pin();
}
