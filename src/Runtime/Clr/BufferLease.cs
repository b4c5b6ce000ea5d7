// The consumer side for .NET code: a verified view of any exporter, read as a Span<T> when it is
// contiguous or item by item (N-d, strided, PIL-style) when it is not. It is the same acquisition
// newbuffer's memoryview makes - one request, the verifier's checks, one release - so a C# library
// gets the guarantees a Python consumer gets:
//   - verification: a view that breaks a rule is refused (and released) before any byte is read;
//   - release: Dispose releases the export exactly once, whatever thread calls it, however often;
//   - threads: Read and Write run inside the view's operation guard, so a Dispose on another thread
//     waits for them and they fail cleanly afterwards. A Span handed out by AsSpan is the caller's
//     to stop using before Dispose, as with Memory<T>.Pin's handle: the lease cannot see it.
// Element types are checked against the view's format with ClrElementFormats (a double lease needs
// 'd'; byte reads the items of any one-byte format).
using System;
using System.Runtime.InteropServices;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NewBuffer.Views;

namespace NewBuffer.Clr;

/// <summary>A verified view of an exporter's memory, held until disposed.</summary>
public sealed class BufferLease : IDisposable
{
    private readonly ViewHandle _handle;

    private BufferLease(ViewHandle handle) => _handle = handle;

    /// <summary>Requests and verifies a view of <paramref name="exporter"/>.</summary>
    /// <param name="exporter">Any exporter: <see cref="ClrExport.Create"/>'s, a host's (IronPython: <c>NewBuffer.IronPython.PythonBuffers</c>).</param>
    /// <param name="flags">The request; <see cref="BufferFlags.FullRO"/> accepts any valid view, add <see cref="BufferFlags.Writable"/> to write.</param>
    /// <exception cref="BufferException">The exporter refused, or its answer broke a rule (nothing is held then).</exception>
    public static BufferLease Acquire(IBufferExporter exporter, BufferFlags flags = BufferFlags.FullRO)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        VerifiedView verified = ViewVerifier.Acquire(exporter, flags, "buffer", out BufferView export);
        return new BufferLease(new ViewHandle(new ManagedBuffer(export), ArrayView.From(verified)));
    }

    /// <summary>The struct format of one item.</summary>
    public string Format => _handle.View.Format;

    /// <summary>Shape, strides, suboffsets and item size.</summary>
    public ViewLayout Layout => _handle.View.Layout;

    /// <summary>True when the memory may not be written.</summary>
    public bool ReadOnly => _handle.View.ReadOnly;

    /// <summary>True once disposed.</summary>
    public bool IsReleased => _handle.IsReleased;

    /// <summary>The items, in C order, as a span over the exporter's memory; valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="BufferException">The view is not C-contiguous, its items are not <typeparamref name="T"/>, or it was released.</exception>
    public ReadOnlySpan<T> AsReadOnlySpan<T>()
        where T : unmanaged => Items<T>(write: false);

    /// <summary>The items, in C order, as a writable span over the exporter's memory; valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="BufferException">As <see cref="AsReadOnlySpan{T}"/>, or the view is read-only.</exception>
    public Span<T> AsSpan<T>()
        where T : unmanaged => Items<T>(write: true);

    /// <summary>The item at <paramref name="indices"/> (one per dimension; negative counts from the end).</summary>
    public T Read<T>(params long[] indices)
        where T : unmanaged
    {
        using ViewHandle.Operation operation = _handle.Enter();
        int size = CheckItems<T>(operation.View);
        return MemoryMarshal.Read<T>(operation.View.Locate(indices).Slice(size));
    }

    /// <summary>Writes the item at <paramref name="indices"/>.</summary>
    public void Write<T>(T value, params long[] indices)
        where T : unmanaged
    {
        using ViewHandle.Operation operation = _handle.Enter();
        int size = CheckItems<T>(operation.View);
        operation.View.CheckWritable();
        MemoryMarshal.Write(operation.View.Locate(indices).Slice(size), in value);
    }

    /// <summary>Releases the export (once; later calls do nothing). Waits for a Read or Write in progress on another thread.</summary>
    public void Dispose() => _handle.Release();

    private unsafe Span<T> Items<T>(bool write)
        where T : unmanaged
    {
        using ViewHandle.Operation operation = _handle.Enter();
        ArrayView view = operation.View;
        CheckItems<T>(view);
        if (write)
        {
            view.CheckWritable();
        }

        if (!view.Flags.IsCContiguous)
        {
            ThrowHelper.ThrowBuffer("buffer: a span needs a C-contiguous view; read a strided one with Read");
        }

        long count = view.Layout.ByteLength / sizeof(T);
        if (count > int.MaxValue)
        {
            ThrowHelper.ThrowBuffer($"buffer: {count} items do not fit one span; read it with Read");
        }

        return MemoryMarshal.Cast<byte, T>(view.Buf.Slice(view.Layout.ByteLength));
    }

    /// <summary>The item size, after checking that the view's items are <typeparamref name="T"/>.</summary>
    private static unsafe int CheckItems<T>(ArrayView view)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            return view.Layout.ItemSize == 1 ? 1 : ThrowHelper.Throw<int>(BufferErrorKind.Type, $"buffer: items of format '{view.Format}' are {view.Layout.ItemSize} bytes, not Byte; cast the view to 'B'");
        }

        // Same kind and size in this machine's byte order: a long reads 'q', and 'l' or 'n' where they are 8 bytes.
        FormatCode? item = view.ItemFormat?.Single;
        if (item is null || item.Kind != ItemKind<T>.Kind || item.Size != sizeof(T) || view.ItemFormat!.LittleEndian != BitConverter.IsLittleEndian)
        {
            ThrowHelper.Throw(BufferErrorKind.Type, $"buffer: items of format '{view.Format}' are not {typeof(T).Name}");
        }

        return sizeof(T);
    }

    /// <summary>The kind of value a <typeparamref name="T"/> holds, looked up once per type (Read runs per item); null for a type with no format.</summary>
    private static class ItemKind<T>
    {
        public static readonly FormatValueKind? Kind = ClrElementFormats.TryGet(typeof(T), out string? format, out _)
            ? FormatTable.Find(format[0], FormatMode.Native)!.Kind : null;
    }
}
