// Our Py_buffer: every field of the C struct, settable, with its own copies of shape, strides and
// suboffsets (an exporter's arrays are only valid until it runs again, so whoever keeps a view
// copies them; python-dev settled this in 2007). It describes a view as the exporter made it, valid
// or not: nothing here checks consistency (ViewVerifier does), so tests can build any view.
//
// Lifetime: BufferView.Acquire asks an exporter to fill a new view and binds the exporter to it;
// Release gives the view back exactly once, whatever the number of calls or threads, then clears obj.
// A view built by hand (Create) has no exporter to call.
//
// Vouching: an answer our own core built from a view it had already verified (ArrayView.Answer) is
// valid by construction, so the verifier records, with the flags it answered, the layout its own
// check would have produced (ViewVerifier.Vouch) and skips the re-check for that request. Setting any
// field that verification reads drops the vouch, so an exporter that edits the view afterwards is
// verified in full. The arrays are never changed in place, so views and layouts may share them.
using System;
using NewBuffer.Geometry;
using System.Threading;
using NewBuffer.Memory;

namespace NewBuffer.Protocol;

/// <summary>A PEP 3118 buffer descriptor (C's <c>Py_buffer</c>).</summary>
/// <remarks>See https://docs.python.org/3/c-api/buffer.html#buffer-structure.</remarks>
public sealed class BufferView
{
    private long[]? _shape;
    private long[]? _strides;
    private long[]? _suboffsets;
    private IBufferExporter? _exporter;
    private int _released;
    private BufferPointer _buf;
    private long _len;
    private bool _readOnly;
    private string? _format;
    private long _itemSize;
    private int _ndim;
    private ViewLayout? _vouchedLayout;
    private BufferFlags _vouchedFlags;

    /// <summary>An empty descriptor with no dimensions, for an exporter to fill.</summary>
    public BufferView()
    {
    }

    /// <summary>An empty descriptor with shape and strides storage for <paramref name="ndim"/> dimensions.</summary>
    public BufferView(int ndim)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ndim);
        _ndim = ndim;
        _shape = new long[ndim];
        _strides = new long[ndim];
    }

    /// <summary>The exporting object (<c>obj</c>); the consumer's reference to it lasts until release.</summary>
    public object? Obj { get; set; }

    /// <summary>Where the logical structure starts (<c>buf</c>); may be anywhere inside the exporter's memory.</summary>
    public BufferPointer Buf
    {
        get => _buf;
        set
        {
            _buf = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>len</c>: product(shape) * itemsize for a consistent view.</summary>
    public long Len
    {
        get => _len;
        set
        {
            _len = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>readonly</c>.</summary>
    public bool ReadOnly
    {
        get => _readOnly;
        set
        {
            _readOnly = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>format</c>; null means unsigned bytes (<c>"B"</c>).</summary>
    public string? Format
    {
        get => _format;
        set
        {
            _format = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>itemsize</c>.</summary>
    public long ItemSize
    {
        get => _itemSize;
        set
        {
            _itemSize = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>ndim</c>; 0 means a scalar.</summary>
    public int NDim
    {
        get => _ndim;
        set
        {
            _ndim = value;
            _vouchedLayout = null;
        }
    }

    /// <summary><c>shape</c>, or empty when <see cref="HasShape"/> is false.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>False when <c>shape</c> is NULL.</summary>
    public bool HasShape => _shape is not null;

    /// <summary><c>strides</c>, or empty when <see cref="HasStrides"/> is false.</summary>
    public ReadOnlySpan<long> Strides => _strides;

    /// <summary>False when <c>strides</c> is NULL (the view is then C-contiguous).</summary>
    public bool HasStrides => _strides is not null;

    /// <summary><c>suboffsets</c>, or empty when <see cref="HasSuboffsets"/> is false.</summary>
    public ReadOnlySpan<long> Suboffsets => _suboffsets;

    /// <summary>False when <c>suboffsets</c> is NULL.</summary>
    public bool HasSuboffsets => _suboffsets is not null;

    /// <summary><c>internal</c>: whatever the exporter wants back at release.</summary>
    public object? Internal { get; set; }

    /// <summary>True once <see cref="Release"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>A view with every field given; the arrays are copied.</summary>
    public static BufferView Create(
        object? obj,
        BufferPointer buf,
        long len,
        long itemSize,
        bool readOnly,
        int ndim,
        string? format,
        long[]? shape,
        long[]? strides,
        long[]? suboffsets,
        object? @internal = null)
    {
        var view = new BufferView
        {
            Obj = obj,
            Buf = buf,
            Len = len,
            ItemSize = itemSize,
            ReadOnly = readOnly,
            NDim = ndim,
            Format = format,
            Internal = @internal,
        };
        view.SetShape(shape);
        view.SetStrides(strides);
        view.SetSuboffsets(suboffsets);
        return view;
    }

    /// <summary>Asks <paramref name="exporter"/> for a view answering <paramref name="flags"/> (C's <c>PyObject_GetBuffer</c>).</summary>
    /// <remarks>The view is unchecked: it is what the exporter made. Release it exactly once.</remarks>
    public static BufferView Acquire(IBufferExporter exporter, BufferFlags flags)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        var view = new BufferView();
        exporter.GetBuffer(view, flags);
        view._exporter = exporter;
        return view;
    }

    /// <summary>Copies every field of <paramref name="source"/> but <c>obj</c> and <c>internal</c> (a delegating exporter answering with another's view).</summary>
    public void CopyLayoutFrom(BufferView source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _buf = source._buf;
        _len = source._len;
        _readOnly = source._readOnly;
        _format = source._format;
        _itemSize = source._itemSize;
        _ndim = source._ndim;

        // Shared, not copied: no view changes its arrays in place. The same fields keep the same vouch.
        _shape = source._shape;
        _strides = source._strides;
        _suboffsets = source._suboffsets;
        _vouchedLayout = source._vouchedLayout;
        _vouchedFlags = source._vouchedFlags;
    }

    /// <summary>Sets <c>shape</c> to a copy of <paramref name="shape"/> (null for NULL).</summary>
    public void SetShape(long[]? shape)
    {
        _shape = shape is null ? null : [.. shape];
        _vouchedLayout = null;
    }

    /// <summary>Sets <c>strides</c> to a copy of <paramref name="strides"/> (null for NULL).</summary>
    public void SetStrides(long[]? strides)
    {
        _strides = strides is null ? null : [.. strides];
        _vouchedLayout = null;
    }

    /// <summary>Sets <c>suboffsets</c> to a copy of <paramref name="suboffsets"/> (null for NULL).</summary>
    public void SetSuboffsets(long[]? suboffsets)
    {
        _suboffsets = suboffsets is null ? null : [.. suboffsets];
        _vouchedLayout = null;
    }

    /// <summary>Sets <c>shape</c> to a copy of <paramref name="shape"/>: a filler can convert its values on the stack.</summary>
    public void SetShape(ReadOnlySpan<long> shape)
    {
        _shape = shape.ToArray();
        _vouchedLayout = null;
    }

    /// <inheritdoc cref="SetShape(ReadOnlySpan{long})"/>
    public void SetStrides(ReadOnlySpan<long> strides)
    {
        _strides = strides.ToArray();
        _vouchedLayout = null;
    }

    /// <inheritdoc cref="SetShape(ReadOnlySpan{long})"/>
    public void SetSuboffsets(ReadOnlySpan<long> suboffsets)
    {
        _suboffsets = suboffsets.ToArray();
        _vouchedLayout = null;
    }

    /// <summary>Sets the three arrays to arrays nobody changes (a layout's own), without copying them.</summary>
    internal void ShareArrays(long[]? shape, long[]? strides, long[]? suboffsets)
    {
        _shape = shape;
        _strides = strides;
        _suboffsets = suboffsets;
        _vouchedLayout = null;
    }

    /// <summary>The arrays as they are, for a layout that takes ownership of them (they never change in place).</summary>
    internal long[]? ShapeArray => _shape;

    /// <inheritdoc cref="ShapeArray"/>
    internal long[]? StridesArray => _strides;

    /// <inheritdoc cref="ShapeArray"/>
    internal long[]? SuboffsetsArray => _suboffsets;

    /// <summary>Records that the fields as they are now answer <paramref name="flags"/> validly with
    /// <paramref name="layout"/> as their verified geometry (only <see cref="Validation.ViewVerifier"/> calls this).</summary>
    internal void Vouch(BufferFlags flags, ViewLayout layout)
    {
        _vouchedLayout = layout;
        _vouchedFlags = flags;
    }

    /// <summary>The vouched layout when the fields were not changed since and the request is the one vouched for.</summary>
    internal ViewLayout? VouchedLayout(BufferFlags flags) => _vouchedFlags == flags ? _vouchedLayout : null;

    /// <summary>The exporter that filled the view through <see cref="Acquire"/>, until it is released.</summary>
    internal IBufferExporter? Exporter => Volatile.Read(ref _exporter);

    /// <summary>Gives the view back to its exporter; only the first call on any thread does anything (C's <c>PyBuffer_Release</c>).</summary>
    /// <remarks>Calls <see cref="IBufferExporter.ReleaseBuffer"/> with <c>obj</c> still set, then clears <c>obj</c>.</remarks>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        IBufferExporter? exporter = Interlocked.Exchange(ref _exporter, null);
        try
        {
            exporter?.ReleaseBuffer(this);
        }
        finally
        {
            Obj = null;
        }
    }
}
