// Turns integer addresses back into (block, offset). Pointers stored inside buffers (suboffsets) and
// addresses written into Py_buffer.buf by Python code are only ever followed through here, so an
// address that no live block contains is an error, never a read.
//
// Invariants: entries are sorted by start; each entry holds its block weakly, so registering a block
// never keeps its memory alive, and a collected block's range is forgotten (its memory may be reused).
// Blocks may overlap (two blocks over one pinned array); any live block holding the whole range
// answers. Reads take a snapshot of the array without locking.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading;
using NewBuffer.Protocol;

namespace NewBuffer.Memory;

/// <summary>The process-wide map from addresses to the memory blocks that own them.</summary>
public static class MemoryRegistry
{
    private static readonly object s_lock = new();
    private static Entry[] s_entries = [];
    private static long s_longestBlock;
    private static int s_liveAfterPurge;

    /// <summary>The size of a pointer stored in a buffer, as the platform's C <c>void *</c>.</summary>
    public static int PointerSize => IntPtr.Size;

    /// <summary>The number of registered blocks still alive (for tests and diagnostics).</summary>
    public static int LiveCount
    {
        get
        {
            int live = 0;
            foreach (Entry entry in Volatile.Read(ref s_entries))
            {
                if (entry.Block.TryGetTarget(out _))
                {
                    live++;
                }
            }

            return live;
        }
    }

    /// <summary>Finds the live block holding the <paramref name="count"/> bytes at <paramref name="address"/>.</summary>
    public static bool TryResolve(long address, long count, out BufferPointer pointer)
    {
        Entry[] entries = Volatile.Read(ref s_entries);
        long longest = Volatile.Read(ref s_longestBlock);
        int i = LastStartAtOrBefore(entries, address);
        for (; i >= 0; i--)
        {
            Entry entry = entries[i];
            if (address - entry.Start > longest)
            {
                break;
            }

            if (address <= entry.End - count && entry.Block.TryGetTarget(out MemoryBlock? block))
            {
                pointer = new BufferPointer(block, address - entry.Start);
                return true;
            }
        }

        pointer = default;
        return false;
    }

    /// <summary>Finds the live block holding the <paramref name="count"/> bytes at <paramref name="address"/>.</summary>
    /// <exception cref="BufferException">No live block holds them (Kind Value).</exception>
    public static BufferPointer Resolve(long address, long count)
    {
        if (!TryResolve(address, count, out BufferPointer pointer))
        {
            ThrowHelper.ThrowValue(address == 0
                ? "buffer: NULL pointer"
                : $"buffer: address 0x{address:x} ({count} bytes) is not inside any memory the runtime knows");
        }

        return pointer;
    }

    /// <summary>Reads the pointer stored at <paramref name="at"/> and resolves it (the C <c>*(char **)at</c>).</summary>
    /// <exception cref="BufferException">The pointer lies outside its block, is NULL, or leads to unknown memory.</exception>
    public static BufferPointer Dereference(BufferPointer at)
    {
        if (!TryDereference(at, out BufferPointer target, out string? error))
        {
            ThrowHelper.ThrowValue("buffer: " + error);
        }

        return target;
    }

    /// <summary><see cref="Dereference"/> without throwing: false, with what is wrong (no "buffer: " prefix), when the pointer cannot be followed.</summary>
    public static bool TryDereference(BufferPointer at, out BufferPointer target, [NotNullWhen(false)] out string? error)
    {
        target = default;
        if (!at.CanAccess(PointerSize))
        {
            error = at.IsNull
                ? "access through a NULL pointer"
                : $"{PointerSize} bytes at offset {at.Offset} lie outside the exporter's memory of {at.Block!.Length} bytes";
            return false;
        }

        Span<byte> bytes = at.Slice(PointerSize);
        long address = PointerSize == 8 ? MemoryMarshal.Read<long>(bytes) : MemoryMarshal.Read<int>(bytes);
        if (address == 0)
        {
            error = "suboffset pointer is NULL";
            return false;
        }

        if (!TryResolve(address, 0, out target))
        {
            error = $"suboffset pointer 0x{address:x} does not point into memory the runtime knows";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Writes the address of <paramref name="target"/> as a pointer at <paramref name="at"/>.</summary>
    public static void WritePointer(BufferPointer at, BufferPointer target)
    {
        Span<byte> bytes = at.Slice(PointerSize);
        long address = target.Address;
        if (PointerSize == 8)
        {
            MemoryMarshal.Write(bytes, in address);
        }
        else
        {
            int narrow = checked((int)address);
            MemoryMarshal.Write(bytes, in narrow);
        }
    }

    /// <summary>Forgets <paramref name="block"/> before it is collected: its owner is about to free or unpin the memory.</summary>
    public static void Forget(MemoryBlock block)
    {
        lock (s_lock)
        {
            Volatile.Write(ref s_entries, Array.FindAll(s_entries, e => !e.Block.TryGetTarget(out MemoryBlock? b) || !ReferenceEquals(b, block)));
        }
    }

    internal static long Register(MemoryBlock block, ref long addressField)
    {
        lock (s_lock)
        {
            long address = addressField;
            if (address != 0)
            {
                return address;
            }

            long length = block.Length;
            address = block.FixedAddress;
            Insert(new Entry(address, address + length, new WeakReference<MemoryBlock>(block)));
            s_longestBlock = Math.Max(s_longestBlock, length);
            Volatile.Write(ref addressField, address);
            return address;
        }
    }

    private static void Insert(Entry entry)
    {
        Entry[] old = s_entries;
        if (old.Length > 2 * s_liveAfterPurge + 16)
        {
            old = Array.FindAll(old, e => e.Block.TryGetTarget(out _));
            s_liveAfterPurge = old.Length;
        }

        int at = LastStartAtOrBefore(old, entry.Start) + 1;
        var entries = new Entry[old.Length + 1];
        Array.Copy(old, entries, at);
        entries[at] = entry;
        Array.Copy(old, at, entries, at + 1, old.Length - at);
        Volatile.Write(ref s_entries, entries);
    }

    private static int LastStartAtOrBefore(Entry[] entries, long address)
    {
        int lo = 0, hi = entries.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].Start <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private sealed record Entry(long Start, long End, WeakReference<MemoryBlock> Block);
}
