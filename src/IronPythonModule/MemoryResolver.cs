// Turns integer addresses that Python code hands us (Py_buffer.buf, .format, .shape... set from
// ctypes.addressof) into memory the runtime can bound. Three ways, in order:
//   1. the registry: memory any block already registered (everything newbuffer exported, pinned);
//   2. ctypes objects reachable from the exporter's attributes, registered on the spot - this is how
//      pygame-style exporters that keep their ctypes arrays on self work unchanged. An attribute that
//      is a dict, list or tuple is looked into one level deep (its values, at most MaxContainerItems of
//      them; nothing nested deeper), so the search is bounded and a container holding itself is no
//      cycle. A c_char_p bounds the string it points to: through its NUL, or the bytes it was made
//      from when they hold none; the string is not registered, since reassigning .value frees it;
//   3. unsafe mode (newbuffer.set_unsafe_addresses(True)): the address is trusted for the length the
//      view claims. Off by default: an address nobody vouches for is a ValueError, never a read.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Memory;

namespace NewBuffer.IronPython;

internal static class MemoryResolver
{
    /// <summary>How many values of one container attribute are looked at for ctypes memory.</summary>
    private const int MaxContainerItems = 1024;

    private static readonly ConditionalWeakTable<object, RegisteredMemory> s_registered = new();
    private static volatile bool s_unsafe;

    public static bool Unsafe
    {
        get => s_unsafe;
        set => s_unsafe = value;
    }

    /// <summary>The memory at <paramref name="address"/>, which must hold at least <paramref name="count"/> bytes.</summary>
    /// <param name="address">The address Python code gave.</param>
    /// <param name="count">How many bytes must follow it (0 for buf: the verifier bounds the view's extent).</param>
    /// <param name="trustedLength">How many bytes unsafe mode trusts from the address.</param>
    /// <param name="hints">Objects whose attributes may hold the ctypes memory (the exporter, view.obj).</param>
    /// <param name="field">The field name for messages.</param>
    public static BufferPointer Resolve(long address, long count, long trustedLength, ReadOnlySpan<object?> hints, string field)
    {
        if (address == 0)
        {
            throw PythonErrors.ValueError($"Py_buffer.{field}: NULL pointer");
        }

        if (MemoryRegistry.TryResolve(address, count, out BufferPointer pointer))
        {
            return pointer;
        }

        foreach (object? hint in hints)
        {
            if (TryResolveInAttributes(hint, address, count, out pointer))
            {
                return pointer;
            }
        }

        if (s_unsafe)
        {
            return new NativeMemoryBlock((nint)address, Math.Max(count, trustedLength), owner: null).At(0);
        }

        throw PythonErrors.ValueError(
            $"Py_buffer.{field}: address 0x{address:x}{(count > 0 ? $" ({count} bytes)" : string.Empty)} is not inside memory newbuffer knows; "
            + "register its owner with newbuffer.register_memory(obj), or call newbuffer.set_unsafe_addresses(True) to trust it");
    }

    /// <summary>Pins <paramref name="owner"/>'s buffer and registers it until the owner is collected; returns its address.</summary>
    public static long Register(object? owner)
    {
        if (owner is not IBufferProtocol exporter)
        {
            throw PythonErrors.TypeError($"register_memory() needs an object with a native buffer (bytes, bytearray, array, ctypes...), not '{PythonErrors.TypeName(owner)}'");
        }

        RegisteredMemory memory = s_registered.GetValue(exporter, o => new RegisteredMemory((IBufferProtocol)o));
        return memory.Block.Address;
    }

    /// <summary>Forgets the address of <paramref name="owner"/>'s memory; the pin goes when no view uses the memory any more.</summary>
    /// <remarks>Unpinning here would let views that still read the memory read whatever the collector puts there.</remarks>
    public static bool Unregister(object? owner)
    {
        if (owner is not null && s_registered.TryGetValue(owner, out RegisteredMemory? memory))
        {
            s_registered.Remove(owner);
            MemoryRegistry.Forget(memory.Block);
            return true;
        }

        return false;
    }

    private static bool TryResolveInAttributes(object? hint, long address, long count, out BufferPointer pointer)
    {
        pointer = default;
        if (hint is null || !PythonOps.TryGetBoundAttr(hint, "__dict__", out object? dict) || dict is not PythonDictionary attributes)
        {
            return false;
        }

        bool registered = false;
        foreach (KeyValuePair<object, object?> item in attributes)
        {
            if (item.Value is PythonDictionary or PythonList or PythonTuple)
            {
                int seen = 0;
                foreach (object? value in ContainerValues(item.Value))
                {
                    if (++seen > MaxContainerItems)
                    {
                        break;
                    }

                    if (TryUseCtypes(value, address, count, ref registered, out pointer))
                    {
                        return true;
                    }
                }
            }
            else if (TryUseCtypes(item.Value, address, count, ref registered, out pointer))
            {
                return true;
            }
        }

        return registered && MemoryRegistry.TryResolve(address, count, out pointer);
    }

    // A snapshot: the exporter's own code may change its containers while we look.
    private static object?[] ContainerValues(object container) => container switch
    {
        PythonDictionary d => [.. d.Values],
        PythonList l => [.. l],
        PythonTuple t => [.. t],
        _ => [],
    };

    /// <summary>Registers a ctypes <paramref name="value"/>; answers at once when it is a c_char_p whose string holds the bytes asked for.</summary>
    private static bool TryUseCtypes(object? value, long address, long count, ref bool registered, out BufferPointer pointer)
    {
        pointer = default;
        if (value is not IBufferProtocol candidate || !IsCtypes(candidate))
        {
            return false;
        }

        Register(candidate);
        registered = true;
        return TryCharPointerString(candidate, address, count, out pointer);
    }

    /// <summary>The string a c_char_p points to, when <paramref name="address"/> and <paramref name="count"/> bytes lie inside it.</summary>
    /// <remarks>Only strings made from bytes are bounded: the bytes (kept in <c>_objects</c>) tell how much
    /// memory ctypes copied, so the NUL is searched inside it and never past it.</remarks>
    private static unsafe bool TryCharPointerString(IBufferProtocol candidate, long address, long count, out BufferPointer pointer)
    {
        pointer = default;
        if (!PythonOps.TryGetBoundAttr(candidate, "_type_", out object? code) || code is not "z"
            || !PythonOps.TryGetBoundAttr(candidate, "_objects", out object? source) || source is not Bytes bytes || bytes.Count == 0)
        {
            return false;
        }

        nint start;
        using (IPythonBuffer slot = candidate.GetBuffer(global::IronPython.Runtime.BufferFlags.Simple))
        {
            ReadOnlySpan<byte> span = slot.AsReadOnlySpan();
            if (span.Length < IntPtr.Size)
            {
                return false;
            }

            start = MemoryMarshal.Read<nint>(span);
        }

        if (start == 0)
        {
            return false;
        }

        int nul = new ReadOnlySpan<byte>((void*)start, bytes.Count).IndexOf((byte)0);
        long length = nul >= 0 ? nul + 1 : bytes.Count;
        long offset = address - start;
        if (offset < 0 || offset > length || count > length - offset)
        {
            return false;
        }

        // The block keeps the c_char_p and its bytes alive while a view reads the string.
        pointer = new NativeMemoryBlock(start, length, owner: new object[] { candidate, bytes }).At(offset);
        return true;
    }

    // ctypes instances are of Python classes generated over IronPython.Modules.CTypes' .NET types.
    private static bool IsCtypes(object value)
    {
        for (Type? type = value.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName?.StartsWith("IronPython.Modules.CTypes", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An owner's buffer, pinned and registered; unpinned by the finalizer once neither the owner's entry nor any block refers to it.</summary>
    private sealed class RegisteredMemory
    {
        private readonly IPythonBuffer _buffer;
        private MemoryHandle _pin;
        private int _disposed;

        public unsafe RegisteredMemory(IBufferProtocol exporter)
        {
            _buffer = exporter.GetBuffer(global::IronPython.Runtime.BufferFlags.Simple);
            _pin = _buffer.Pin();
            ReadOnlySpan<byte> span = _buffer.AsReadOnlySpan();
            Block = new NativeMemoryBlock(MemoryBlock.PinnedStart(span, _pin), span.Length, owner: this);
            _ = Block.Address;
        }

        ~RegisteredMemory()
        {
            try
            {
                Release();
            }
            catch (Exception)
            {
                // A finalizer must never throw.
            }
        }

        public NativeMemoryBlock Block { get; }

        private void Release()
        {
            if (System.Threading.Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                if (Block is not null)
                {
                    MemoryRegistry.Forget(Block);
                }

                _pin.Dispose();
                _buffer?.Dispose();
            }
        }
    }
}
