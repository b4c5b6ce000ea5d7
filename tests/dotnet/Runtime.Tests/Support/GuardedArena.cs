// All the guarded blocks one test case uses, checked and freed together. Allocations alternate
// which edge touches a guard page (or follow the arena's fixed choice), so over a run both
// directions of over-read are caught; the other edge is covered by canaries (writes only).
using System;
using System.Collections.Generic;
using NewBuffer.Memory;

namespace NewBuffer.Tests.Support;

public sealed class GuardedArena : IDisposable
{
    private readonly List<GuardedMemory> _allocations = [];
    private readonly GuardedMemory.Align? _align;
    private int _count;

    /// <summary>An arena; <paramref name="align"/> fixes the guarded edge, null alternates it.</summary>
    public GuardedArena(GuardedMemory.Align? align = null) => _align = align;

    /// <summary>A guarded block holding a copy of <paramref name="content"/>.</summary>
    public MemoryBlock Allocate(ReadOnlySpan<byte> content)
    {
        GuardedMemory.Align align = _align ?? (_count++ % 2 == 0 ? GuardedMemory.Align.End : GuardedMemory.Align.Start);
        GuardedMemory memory = GuardedMemory.Allocate(content, align);
        _allocations.Add(memory);
        return memory.Block;
    }

    /// <summary>The allocator in the shape <see cref="RandomViews"/> takes.</summary>
    public MemoryBlock AllocateArray(byte[] content) => Allocate(content);

    /// <summary>Throws when any block's canaries changed.</summary>
    public void AssertIntact()
    {
        foreach (GuardedMemory memory in _allocations)
        {
            memory.AssertCanariesIntact();
        }
    }

    public void Dispose()
    {
        foreach (GuardedMemory memory in _allocations)
        {
            memory.Dispose();
        }

        _allocations.Clear();
    }
}
