// Managed memory: a byte[] or any Memory<byte>. It has no address until someone asks for one
// (a pointer stored in a buffer, Py_buffer.buf read from Python); then the memory is pinned for the
// rest of the block's life, so the address is real and stays valid for ctypes and native code.
using System;
using System.Buffers;
using System.Threading;

namespace NewBuffer.Memory;

/// <summary>A block over managed memory.</summary>
public sealed class ManagedMemoryBlock : MemoryBlock
{
    private readonly Memory<byte> _memory;
    private readonly object? _owner;
    private MemoryHandle _pin;
    private int _pinned;

    /// <summary>A block over a whole array.</summary>
    public ManagedMemoryBlock(byte[] array)
        : this(array, array)
    {
    }

    /// <summary>A block over <paramref name="memory"/>, keeping <paramref name="owner"/> alive with it.</summary>
    public ManagedMemoryBlock(Memory<byte> memory, object? owner = null)
    {
        _memory = memory;
        _owner = owner;
    }

    /// <summary>Unpins the memory if an address was ever taken.</summary>
    ~ManagedMemoryBlock()
    {
        if (Volatile.Read(ref _pinned) != 0)
        {
            _pin.Dispose();
        }
    }

    /// <inheritdoc/>
    public override long Length => _memory.Length;

    /// <summary>All bytes of the block (managed memory never passes int.MaxValue bytes).</summary>
    public Span<byte> Span => _memory.Span;

    /// <inheritdoc/>
    public override object? Owner => _owner;

    /// <summary>The memory this block covers.</summary>
    public Memory<byte> Memory => _memory;

    /// <inheritdoc/>
    public override MemoryHandle Pin(long offset) => _memory[(int)offset..].Pin();

    /// <inheritdoc/>
    protected internal override Span<byte> GetSpanCore(long offset, int length) => _memory.Span.Slice((int)offset, length);

    internal override unsafe long FixedAddress
    {
        get
        {
            // Called once, under the registry's lock, when the address is first needed.
            if (Interlocked.Exchange(ref _pinned, 1) == 0)
            {
                _pin = _memory.Pin();
            }

            return (long)_pin.Pointer;
        }
    }
}
