// Memory a host lends for one export, reached through the lender on every access instead of through
// a pointer: a request that only reads or copies the bytes (bytes(x), struct, a small memoryview)
// never pins anything, where a NativeMemoryBlock needs a GCHandle pin per request. The memory is
// pinned the first time an address is needed (Pin, Address) and stays pinned until the lender's
// export ends (pinning locks the lender, made for this one export); its length is fixed when the
// block is made.
using System;
using System.Buffers;
using System.Threading;

namespace NewBuffer.Memory;

/// <summary>A block over memory lent by an <see cref="IMemoryLender"/> for the life of one export.</summary>
public sealed unsafe class LentMemoryBlock : MemoryBlock
{
    private readonly IMemoryLender _lender;
    private readonly int _length;
    private MemoryHandle _pin;
    private nint _pointer;

    /// <summary>A block over the first <paramref name="length"/> bytes <paramref name="lender"/> lends.</summary>
    public LentMemoryBlock(IMemoryLender lender, int length)
    {
        ArgumentNullException.ThrowIfNull(lender);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _lender = lender;
        _length = length;
    }

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    protected internal override Span<byte> GetSpanCore(long offset, int length) => _lender.GetSpan().Slice((int)offset, length);

    /// <inheritdoc/>
    public override object? Owner => _lender;

    /// <summary>Whether the memory was pinned (an address was asked for); the lender unpins it at release.</summary>
    public bool IsPinned => _pointer != 0;

    /// <summary>The pin taken for an address, for the lender to dispose when its export ends.</summary>
    public MemoryHandle TakePin()
    {
        // Taken when the export ends, after every reader: no pin can be in progress, and most exports never pinned.
        if (Volatile.Read(ref _pointer) == 0)
        {
            return default;
        }

        lock (_lender)
        {
            MemoryHandle pin = _pin;
            _pin = default;
            return pin;
        }
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(long offset) => new((byte*)PinnedStart() + offset);

    internal override long FixedAddress => PinnedStart();

    private nint PinnedStart()
    {
        lock (_lender)
        {
            if (_pointer == 0)
            {
                _pin = _lender.Pin();
                _pointer = PinnedStart(_lender.GetSpan(), _pin);
            }

            return _pointer;
        }
    }
}
