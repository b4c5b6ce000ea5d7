// Managed memory: a byte[] or any Memory<byte>. Its address is synthetic (see MemoryBlock).
using System;

namespace NewBuffer.Memory;

/// <summary>A block over managed memory.</summary>
public sealed class ManagedMemoryBlock : MemoryBlock
{
    private readonly Memory<byte> _memory;
    private readonly object? _owner;

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

    /// <inheritdoc/>
    public override long Length => _memory.Length;

    /// <inheritdoc/>
    public override Span<byte> Span => _memory.Span;

    /// <inheritdoc/>
    public override object? Owner => _owner;

    /// <summary>The memory this block covers.</summary>
    public Memory<byte> Memory => _memory;

    internal override long FixedAddress => 0;
}
