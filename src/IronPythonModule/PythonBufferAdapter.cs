// Our exports as IronPython sees buffers (IPythonBuffer), so IronPython's own consumers -
// memoryview(), bytes(), struct, array, file.write, hashlib... - accept every newbuffer exporter.
// IronPython's contract (Runtime/BufferProtocol.cs): a C-contiguous export is a span of exactly its
// bytes with Strides null and Offset 0; a strided one is a span holding every item with Offset at the
// first item. We hand over only the bytes the view reaches (its extent), never the whole block, so a
// strided view of a block past 2 GiB still fits IronPython's int-sized spans and offsets.
// IronPython cannot follow suboffsets, so a PIL-style view answering a read-only request
// is handed over as a C-ordered copy; a writable one is refused with BufferError. IronPython's
// memoryview also refuses strides or a start that are not multiples of the itemsize (and a 0-d view
// with a shape), both valid in PEP 3118: such a read-only view is handed over as a copy too.
//
// Dispose releases the export exactly once; an export that cannot be handed over is released at once.
// There is no finalizer, on purpose: every IronPython consumer disposes the buffer it got (a `using`
// around the request, or IronPython's memoryview, whose own finalizer disposes it), and a finalizable
// object per request cost more than the rest of a small request (finalization-queue registration,
// SuppressFinalize, finalizer-thread work); IronPython's own exporters have no finalizer either.
// IronPython's sizes are 32-bit ints (a view whose size, shape, strides or extent does not fit is
// refused with BufferError) and an empty view may have no memory at all (a NULL buf), so both are
// settled here, before IronPython asks.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using IronPython.Runtime;
using NewBuffer.Geometry;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using CoreFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

internal sealed class PythonBufferAdapter : IPythonBuffer
{
    private readonly BufferView _export;
    private readonly VerifiedView _view;
    private readonly ViewLayout _layout;
    private readonly CoreFlags _flags;
    private readonly byte[]? _copy;
    private readonly long _low;
    private readonly int _extent;
    private int _disposed;

    private PythonBufferAdapter(BufferView export, VerifiedView view, CoreFlags flags)
    {
        _export = export;
        _view = view;
        _flags = flags;
        _layout = view.Layout;
        if (_layout.HasSuboffsets || (!flags.WantsWritable() && !_layout.IsCContiguous && !ItemAligned(_layout, view.Buf.Offset)))
        {
            _copy = ViewCopier.ToArray(view.Buf, _layout);
            _layout = ViewLayout.Contiguous(_layout.ItemSize, _layout.Shape);
        }
        else if (!_layout.IsCContiguous && _layout.ItemCount > 0)
        {
            // Checked by FitsInInts: the extent is at most int.MaxValue bytes.
            _layout.TryExtent(0, _layout.NDim, _layout.ItemSize, out _low, out long high);
            _extent = (int)(high - _low);
        }
    }

    public object Object => _export.Obj!;

    public bool IsReadOnly => _view.ReadOnly || _copy is not null;

    private bool Contiguous => _copy is not null || _layout.IsCContiguous;

    public int Offset => Contiguous ? 0 : (int)-_low;

    public string? Format => _flags.WantsFormat() ? _view.Format ?? "B" : null;

    public int ItemCount => (int)_layout.ItemCount;

    public int ItemSize => (int)_layout.ItemSize;

    public int NumOfDims => _flags.WantsShape() ? _layout.NDim : 1;

    public IReadOnlyList<int>? Shape => _flags.WantsShape() && _layout.NDim > 0 ? ToInts(_layout.Shape) : null;

    public IReadOnlyList<int>? Strides => Contiguous ? null : ToInts(_layout.Strides);

    public IReadOnlyList<int>? SubOffsets => null;

    /// <summary>Asks <paramref name="exporter"/> for a view answering <paramref name="flags"/>, verifies it, and wraps it.</summary>
    public static IPythonBuffer Export(IBufferExporter exporter, CoreFlags flags, string who)
    {
        VerifiedView view = ViewVerifier.Acquire(exporter, flags, who, out BufferView export);
        if (view.Layout.HasSuboffsets && flags.WantsWritable())
        {
            export.Release();
            throw PythonErrors.BufferError($"{who}: IronPython cannot write through suboffsets");
        }

        if (!FitsInInts(view.Layout))
        {
            export.Release();
            throw PythonErrors.BufferError($"{who}: the view is too large for IronPython's buffer interface (a size, a stride or the memory it spans above 2**31-1 bytes)");
        }

        try
        {
            return new PythonBufferAdapter(export, view, flags);
        }
        catch
        {
            // Copying a PIL-style view failed (its pointers changed since verification): the export goes back now.
            export.Release();
            throw;
        }
    }

    public ReadOnlySpan<byte> AsReadOnlySpan()
    {
        if (_copy is not null)
        {
            return _copy;
        }

        return Bytes();
    }

    public Span<byte> AsSpan()
    {
        if (IsReadOnly)
        {
            throw PythonErrors.BufferError("buffer is not writable");
        }

        return Bytes();
    }

    public MemoryHandle Pin()
    {
        if (_copy is not null)
        {
            return _copy.AsMemory().Pin();
        }

        return _layout.ItemCount == 0 ? default : _view.Buf.Block!.Pin(_view.Buf.Offset + _low);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _export.Release();
        }
    }

    // An empty view may have a NULL buf, or one past its memory: there are no bytes to give.
    private Span<byte> Bytes() =>
        _layout.ItemCount == 0 ? [] : Contiguous ? _view.Buf.Slice(_layout.ByteLength) : _view.Buf.Add(_low).Slice(_extent);

    private static bool ItemAligned(ViewLayout layout, long offset)
    {
        foreach (long stride in layout.Strides)
        {
            if (stride % layout.ItemSize != 0)
            {
                return false;
            }
        }

        return offset % layout.ItemSize == 0;
    }

    private static bool FitsInInts(ViewLayout layout)
    {
        if (layout.ByteLength > int.MaxValue)
        {
            return false;
        }

        // Strides reach IronPython only for a strided view (a contiguous or copied one has none), with the span of its extent.
        bool strided = !layout.IsCContiguous && !layout.HasSuboffsets;
        if (strided && layout.ItemCount > 0
            && (!layout.TryExtent(0, layout.NDim, layout.ItemSize, out long low, out long high) || high - low > int.MaxValue))
        {
            return false;
        }

        for (int d = 0; d < layout.NDim; d++)
        {
            if (layout.Shape[d] > int.MaxValue || (strided && layout.Strides[d] is > int.MaxValue or < int.MinValue))
            {
                return false;
            }
        }

        return true;
    }

    private static int[] ToInts(ReadOnlySpan<long> values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = checked((int)values[i]);
        }

        return result;
    }
}
