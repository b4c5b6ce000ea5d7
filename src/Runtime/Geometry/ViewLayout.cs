// The geometry of a view, apart from its memory: itemsize, shape, strides and suboffsets. This is
// the one place that knows contiguity, extents and how indices become byte positions; copying and
// walking (RowCursor, ViewCopier) build on it.
//
// Invariants: 0 <= NDim <= MaxNDim; Shape, Strides and (when present) Suboffsets have NDim entries;
// every shape entry is >= 0 and product(shape) * ItemSize fits in a long; ItemSize > 0. The arrays
// are owned by the layout and never change. Contiguity follows CPython's PyBuffer_IsContiguous: a
// view with suboffsets is never contiguous, an empty view always is, and dimensions of length 1 do
// not constrain their stride. A memoryview's own contiguity (one-dimensional views judged by their
// stride alone, as CPython's init_flags does) is ViewFlags, decided from this layout.
using System;
using NewBuffer.Memory;

namespace NewBuffer.Geometry;

/// <summary>Itemsize, shape, strides and suboffsets of a view; immutable.</summary>
public sealed class ViewLayout
{
    /// <summary>The most dimensions a view may have (CPython's <c>PyBUF_MAX_NDIM</c>).</summary>
    public const int MaxNDim = 64;

    private readonly long[] _shape;
    private readonly long[] _strides;
    private readonly long[]? _suboffsets;

    /// <summary>A layout from the given values, which are copied.</summary>
    /// <exception cref="ArgumentException">The values break an invariant (callers verify views first).</exception>
    public ViewLayout(long itemSize, ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, long[]? suboffsets = null)
        : this(itemSize, shape.ToArray(), strides.ToArray(), suboffsets is null ? null : [.. suboffsets])
    {
    }

    private ViewLayout(long itemSize, long[] shape, long[] strides, long[]? suboffsets)
    {
        if (itemSize <= 0 || shape.Length > MaxNDim || strides.Length != shape.Length
            || (suboffsets is not null && suboffsets.Length != shape.Length))
        {
            throw new ArgumentException("Inconsistent view layout.");
        }

        long count = 1;
        foreach (long n in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(shape));
            count = checked(count * n);
        }

        ItemSize = itemSize;
        ItemCount = count;
        ByteLength = checked(count * itemSize);
        _shape = shape;
        _strides = strides;
        _suboffsets = suboffsets;
        IsCContiguous = suboffsets is null && (count == 0 || HasContiguousStrides(shape, strides, itemSize, Order.C));
        IsFContiguous = suboffsets is null && (count == 0 || HasContiguousStrides(shape, strides, itemSize, Order.Fortran));
    }

    /// <summary>Bytes per element.</summary>
    public long ItemSize { get; }

    /// <summary>The number of dimensions.</summary>
    public int NDim => _shape.Length;

    /// <summary>Elements per dimension.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>Bytes between consecutive elements of each dimension; may be negative or zero.</summary>
    public ReadOnlySpan<long> Strides => _strides;

    /// <summary>Per-dimension suboffsets (PIL-style indirection), or empty when the view has none.</summary>
    public ReadOnlySpan<long> Suboffsets => _suboffsets;

    /// <summary>True when the view carries a suboffsets array (even one with no dereferencing entry).</summary>
    public bool HasSuboffsets => _suboffsets is not null;

    /// <summary>product(shape).</summary>
    public long ItemCount { get; }

    /// <summary>product(shape) * itemsize: the view's <c>len</c>.</summary>
    public long ByteLength { get; }

    /// <summary>Elements are in row-major order with no gaps (<c>PyBuffer_IsContiguous(view, 'C')</c>).</summary>
    public bool IsCContiguous { get; }

    /// <summary>Elements are in column-major order with no gaps (<c>PyBuffer_IsContiguous(view, 'F')</c>).</summary>
    public bool IsFContiguous { get; }

    /// <summary>C- or Fortran-contiguous.</summary>
    public bool IsAnyContiguous => IsCContiguous || IsFContiguous;

    /// <summary>A C- or Fortran-contiguous layout of the given shape.</summary>
    public static ViewLayout Contiguous(long itemSize, ReadOnlySpan<long> shape, Order order = Order.C)
    {
        long[] shapeCopy = shape.ToArray();
        return new ViewLayout(itemSize, shapeCopy, ContiguousStrides(shapeCopy, itemSize, order), null);
    }

    /// <summary>The strides of a contiguous view of <paramref name="shape"/> in <paramref name="order"/> (Any means C).</summary>
    public static long[] ContiguousStrides(ReadOnlySpan<long> shape, long itemSize, Order order = Order.C)
    {
        var strides = new long[shape.Length];
        ContiguousStrides(shape, itemSize, strides, order);
        return strides;
    }

    /// <summary>Writes the strides of a contiguous view of <paramref name="shape"/> into <paramref name="strides"/>
    /// (as long as <paramref name="shape"/>), so a caller can keep them on the stack.</summary>
    public static void ContiguousStrides(ReadOnlySpan<long> shape, long itemSize, Span<long> strides, Order order = Order.C)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(strides.Length, shape.Length, nameof(strides));
        long step = itemSize;
        if (order == Order.Fortran)
        {
            for (int i = 0; i < shape.Length; i++)
            {
                strides[i] = step;
                step *= Math.Max(shape[i], 1);
            }
        }
        else
        {
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                strides[i] = step;
                step *= Math.Max(shape[i], 1);
            }
        }
    }

    /// <summary>Whether the view is contiguous in <paramref name="order"/> (Any: in either).</summary>
    public bool IsContiguous(Order order) => order switch
    {
        Order.C => IsCContiguous,
        Order.Fortran => IsFContiguous,
        _ => IsAnyContiguous,
    };

    /// <summary>Resolves 'A' for this view: Fortran when it is Fortran- and not C-contiguous, else C.</summary>
    public Order Resolve(Order order) =>
        order != Order.Any ? order : (IsFContiguous && !IsCContiguous ? Order.Fortran : Order.C);

    /// <summary>The dereferencing suboffset of <paramref name="dim"/>, or -1 when that dimension has none.</summary>
    public long SuboffsetAt(int dim) => _suboffsets is null ? -1 : _suboffsets[dim];

    /// <summary>The byte range, relative to the view's <c>buf</c>, that dimensions [from, to) reach with elements of <paramref name="elementSize"/> bytes.</summary>
    /// <remarks>Without suboffsets, Extent(0, NDim, ItemSize) is all the view touches. Empty when any of those dimensions is 0.</remarks>
    /// <exception cref="OverflowException">The range is wider than a long can hold (see <see cref="TryExtent(int, int, long, out long, out long)"/>).</exception>
    public (long Low, long High) Extent(int from, int to, long elementSize) =>
        TryExtent(from, to, elementSize, out long low, out long high) ? (low, high) : throw new OverflowException("The view's extent does not fit in 64 bits.");

    /// <summary><see cref="Extent"/>, or false when the range or its width (High - Low) does not fit in a long.</summary>
    /// <remarks>Any view an exporter hands over can have strides near 2**63; the verifier must refuse those, not overflow.</remarks>
    public bool TryExtent(int from, int to, long elementSize, out long low, out long high) =>
        TryExtent(_shape.AsSpan(from, to - from), _strides.AsSpan(from, to - from), elementSize, out low, out high);

    /// <summary>The byte range that <paramref name="shape"/> and <paramref name="strides"/> reach with elements of
    /// <paramref name="elementSize"/> bytes, or false when it does not fit in a long; for arrays that are not (yet) a layout.</summary>
    public static bool TryExtent(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, long elementSize, out long low, out long high)
    {
        low = 0;
        high = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0)
            {
                low = high = 0;
                return true;
            }

            Int128 reach = (Int128)strides[i] * (shape[i] - 1);
            Int128 next = reach + (reach < 0 ? low : high);
            if (next < long.MinValue || next > long.MaxValue)
            {
                return false;
            }

            if (reach < 0)
            {
                low = (long)next;
            }
            else
            {
                high = (long)next;
            }
        }

        Int128 end = (Int128)high + elementSize;
        if (end > long.MaxValue || end - low > long.MaxValue)
        {
            return false;
        }

        high = (long)end;
        return true;
    }

    /// <summary>The element at <paramref name="indices"/> (one per dimension, each in range): C's <c>PyBuffer_GetPointer</c>.</summary>
    /// <exception cref="Protocol.BufferException">A suboffset pointer leads to unknown memory.</exception>
    public BufferPointer Locate(BufferPointer buf, ReadOnlySpan<long> indices)
    {
        BufferPointer p = buf;
        for (int i = 0; i < indices.Length; i++)
        {
            p = Step(p, i, indices[i]);
        }

        return p;
    }

    /// <summary>Moves <paramref name="p"/> to index <paramref name="index"/> of dimension <paramref name="dim"/>, following its suboffset.</summary>
    public BufferPointer Step(BufferPointer p, int dim, long index)
    {
        p = p.Add(_strides[dim] * index);
        long suboffset = SuboffsetAt(dim);
        return suboffset >= 0 ? MemoryRegistry.Dereference(p).Add(suboffset) : p;
    }

    /// <summary>The same elements with the dimensions in reverse order (a transpose: Fortran order becomes C order).</summary>
    /// <exception cref="InvalidOperationException">The layout has suboffsets, whose pointers must be followed outermost first.</exception>
    public ViewLayout Transposed()
    {
        if (_suboffsets is not null)
        {
            throw new InvalidOperationException("A layout with suboffsets cannot be transposed.");
        }

        long[] shape = [.. _shape], strides = [.. _strides];
        Array.Reverse(shape);
        Array.Reverse(strides);
        return new ViewLayout(ItemSize, shape, strides, null);
    }

    /// <summary>The same elements in the same C order over as few dimensions as possible: dimensions of
    /// length 1 dropped, and neighbours merged where the outer stride steps over the whole inner dimension.</summary>
    /// <remarks>Copies walk rows, so [2**30, 1] would be 2**30 rows of one item where [2**30] is one tight
    /// loop. A layout that follows pointers (a suboffset >= 0) is returned as it is: they are followed
    /// dimension by dimension; suboffsets that are all -1 follow nothing and are dropped.</remarks>
    public ViewLayout Simplified()
    {
        if (ItemCount == 0 || (_suboffsets is not null && Array.Exists(_suboffsets, s => s >= 0)))
        {
            return this;
        }

        long[] shape = new long[NDim], strides = new long[NDim];
        int kept = 0;
        for (int i = 0; i < NDim; i++)
        {
            if (_shape[i] == 1)
            {
                continue;
            }

            if (kept > 0 && (Int128)strides[kept - 1] == (Int128)_shape[i] * _strides[i])
            {
                shape[kept - 1] *= _shape[i];
                strides[kept - 1] = _strides[i];
                continue;
            }

            (shape[kept], strides[kept]) = (_shape[i], _strides[i]);
            kept++;
        }

        return kept == NDim && _suboffsets is null ? this : new ViewLayout(ItemSize, shape[..kept], strides[..kept], null);
    }

    /// <summary>CPython's <c>equiv_shape</c>: the same number of dimensions and the same lengths up to and including the
    /// first dimension of length 0, after which nothing is compared (no items either way: [1, 0, 5] and [1, 0, 7] are equivalent).</summary>
    public static bool EquivalentShape(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }

            if (a[i] == 0)
            {
                break;
            }
        }

        return true;
    }

    /// <summary>The arrays themselves, for a view that shares them (nobody changes them in place).</summary>
    internal long[] ShapeArray => _shape;

    /// <inheritdoc cref="ShapeArray"/>
    internal long[] StridesArray => _strides;

    /// <inheritdoc cref="ShapeArray"/>
    internal long[]? SuboffsetsArray => _suboffsets;

    /// <summary>A layout that takes ownership of arrays the caller built and will not change.</summary>
    internal static ViewLayout Own(long itemSize, long[] shape, long[] strides, long[]? suboffsets) =>
        new(itemSize, shape, strides, suboffsets);

    /// <summary>Whether <paramref name="strides"/> are the contiguous ones of <paramref name="shape"/> in
    /// <paramref name="order"/> (C or Fortran), ignoring dimensions of length 1; for arrays that are not a layout.</summary>
    public static bool HasContiguousStrides(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, long itemSize, Order order)
    {
        long expected = itemSize;
        int n = shape.Length;
        for (int k = 0; k < n; k++)
        {
            int i = order == Order.C ? n - 1 - k : k;
            if (shape[i] > 1 && strides[i] != expected)
            {
                return false;
            }

            expected *= shape[i];
        }

        return true;
    }
}
