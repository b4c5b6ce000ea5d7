// Turns integer addresses that Python code hands us (Py_buffer.buf, .format, .shape... set from
// ctypes.addressof) into memory the runtime can bound. Three ways, in order:
//   1. the registry: memory any block already registered (everything newbuffer exported, pinned);
//   2. ctypes objects reachable from the exporter's attributes, registered on the spot - this is how
//      pygame-style exporters that keep their ctypes arrays on self work unchanged;
//   3. unsafe mode (newbuffer.set_unsafe_addresses(True)): the address is trusted for the length the
//      view claims. Off by default: an address nobody vouches for is a ValueError, never a read.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Memory;

namespace NewBuffer.IronPython;

internal static class MemoryResolver
{
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
            if (RegisterCtypesAttributes(hint) && MemoryRegistry.TryResolve(address, count, out pointer))
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

    private static bool RegisterCtypesAttributes(object? hint)
    {
        if (hint is null || !PythonOps.TryGetBoundAttr(hint, "__dict__", out object? dict) || dict is not PythonDictionary attributes)
        {
            return false;
        }

        bool any = false;
        foreach (KeyValuePair<object, object?> item in attributes)
        {
            if (item.Value is IBufferProtocol candidate && IsCtypes(candidate))
            {
                Register(candidate);
                any = true;
            }
        }

        return any;
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
            Block = new NativeMemoryBlock(Exporters.NativeExporter.SpanStart(_buffer, _pin, out int length), length, owner: this);
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
