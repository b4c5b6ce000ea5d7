// An N-dimensional typed view of exporter memory: where it starts, its geometry, its item format
// and whether it may be written. It is the logic of a memoryview without the host: indexing,
// slicing (in any dimension, with suboffsets), casting with CPython's rules, reading and writing
// items through the struct codec, and copying out. Immutable: every operation that changes the
// view returns a new one over the same memory, so nothing here ever copies data.
//
// Trust: an ArrayView is built from a VerifiedView (or derived from one), so every element lies
// inside the exporter's memory; indices are checked against the shape here, and memory access still
// goes through bounds-checked spans. One built that way and derived only by steps that stay inside
// it (cast, read-only, in-range slices and items, a contiguous copy; no suboffsets) is trusted: its
// answers to requests are vouched for, so consumers do not verify them again. One built by hand with
// the public constructor is not.
using System;
using System.Threading;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;

namespace NewBuffer.Views;

/// <summary>A typed N-dimensional view over buffer memory; the host-neutral core of a memoryview.</summary>
public sealed class ArrayView
{
    private readonly bool _trusted;
    private CastMemo? _lastCast;
    private StructFormat? _itemFormat;
    private bool _itemFormatParsed;

    /// <summary>A view at <paramref name="buf"/> with the given geometry and item format.</summary>
    public ArrayView(BufferPointer buf, ViewLayout layout, string format, bool readOnly)
        : this(buf, layout, format, readOnly, trusted: false)
    {
    }

    private ArrayView(BufferPointer buf, ViewLayout layout, string format, bool readOnly, bool trusted)
    {
        _trusted = trusted && !layout.HasSuboffsets;
        Buf = buf;
        Layout = layout ?? throw new ArgumentNullException(nameof(layout));
        Format = format ?? throw new ArgumentNullException(nameof(format));
        ReadOnly = readOnly;
        Flags = ViewFlags.Of(layout);
    }

    /// <summary>Where the view starts.</summary>
    public BufferPointer Buf { get; }

    /// <summary>Itemsize, shape, strides, suboffsets.</summary>
    public ViewLayout Layout { get; }

    /// <summary>The struct format of one item, as the exporter spelled it.</summary>
    public string Format { get; }

    /// <summary>Whether writes are refused.</summary>
    public bool ReadOnly { get; }

    /// <summary>Contiguity as a memoryview reports it, decided once for the view (CPython's <c>init_flags</c>);
    /// cast, <see cref="Answer"/> and a host's <c>c_contiguous</c> read it.</summary>
    public ViewFlags Flags { get; }

    /// <summary>The parsed item format, or null when the struct codec cannot read it.</summary>
    public StructFormat? ItemFormat
    {
        get
        {
            if (!_itemFormatParsed)
            {
                _itemFormat = StructFormat.TryParse(Format, out StructFormat? parsed, out _) && parsed.Size == Layout.ItemSize ? parsed : null;
                _itemFormatParsed = true;
            }

            return _itemFormat;
        }
    }

    /// <summary>The view a verified export describes.</summary>
    public static ArrayView From(VerifiedView verified)
    {
        return new ArrayView(verified.Buf, verified.Layout, verified.Format ?? "B", verified.ReadOnly, trusted: true);
    }

    /// <summary>The item format, or CPython's NotImplementedError when it cannot be read: "memoryview: format u not
    /// supported" for one character (unpack_single's words), "memoryview: unsupported format ..." otherwise (adjust_fmt's).</summary>
    public StructFormat RequireItemFormat()
    {
        if (ItemFormat is { } format)
        {
            return format;
        }

        string bare = Format.StartsWith('@') ? Format[1..] : Format;
        return ThrowHelper.Throw<StructFormat>(
            BufferErrorKind.NotImplemented,
            bare.Length == 1 ? $"memoryview: format {bare} not supported" : $"memoryview: unsupported format {Format}");
    }

    /// <summary><c>len()</c>: the length of the first dimension, or CPython's TypeError for a 0-d view.</summary>
    public long Length() =>
        Layout.NDim > 0 ? Layout.Shape[0] : ThrowHelper.Throw<long>(BufferErrorKind.Type, "0-dim memory has no length");

    /// <summary>CPython's memory_hash rules before hashing: a read-only view of bytes ('B', 'b' or 'c', native, one character).</summary>
    /// <exception cref="BufferException">Writable, or another format (Kind Value, CPython's messages).</exception>
    public void CheckHashable()
    {
        if (!ReadOnly)
        {
            ThrowHelper.ThrowValue("cannot hash writable memoryview object");
        }

        if (!IsByteFormat(Format))
        {
            ThrowHelper.ThrowValue("memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
        }
    }

    /// <summary>The same view, read-only.</summary>
    public ArrayView AsReadOnly() => ReadOnly ? this : new ArrayView(Buf, Layout, Format, true, _trusted);

    /// <summary>Turns a possibly negative index into an offset along <paramref name="dim"/>.</summary>
    /// <exception cref="BufferException">Out of range (Kind Index, CPython's message).</exception>
    public long NormalizeIndex(int dim, long index)
    {
        long length = Layout.Shape[dim];
        long i = index < 0 ? index + length : index;
        if (i < 0 || i >= length)
        {
            ThrowHelper.ThrowIndex($"index out of bounds on dimension {dim + 1}");
        }

        return i;
    }

    /// <summary>The item at <paramref name="indices"/> (one per dimension; negative counts from the end).</summary>
    public BufferPointer Locate(ReadOnlySpan<long> indices)
    {
        if (indices.Length != Layout.NDim)
        {
            ThrowHelper.ThrowType($"cannot index {Layout.NDim}-dimension view with {indices.Length}-element tuple");
        }

        BufferPointer p = Buf;
        for (int d = 0; d < indices.Length; d++)
        {
            p = Layout.Step(p, d, NormalizeIndex(d, indices[d]));
        }

        return p;
    }

    /// <summary>Reads the item at <paramref name="indices"/> through the struct codec.</summary>
    public object? GetItem(ReadOnlySpan<long> indices, IValueBoxer? boxer = null)
    {
        StructFormat format = RequireItemFormat();
        return format.UnpackValue(Locate(indices).Slice(Layout.ItemSize), boxer ?? ClrValueBoxer.Instance);
    }

    /// <summary>Reads item <paramref name="index"/> of a one-dimensional view (the <c>m[i]</c> fast path: no index array).</summary>
    public object? GetItem(long index, IValueBoxer boxer)
    {
        if (Layout.NDim != 1)
        {
            return GetItem([index], boxer);
        }

        StructFormat format = RequireItemFormat();
        BufferPointer p = Layout.Step(Buf, 0, NormalizeIndex(0, index));
        return format.UnpackValue(p.Slice(Layout.ItemSize), boxer);
    }

    /// <summary>Writes <paramref name="value"/> as the item at <paramref name="indices"/>.</summary>
    /// <exception cref="BufferException">The view is read-only (Kind Type), or the value does not fit the format.</exception>
    public void SetItem(ReadOnlySpan<long> indices, object? value)
    {
        CheckWritable();
        StructFormat format = RequireItemFormat();
        BufferPointer p = Locate(indices);
        format.PackValue(p.Slice(Layout.ItemSize), value);
    }

    /// <summary>Fails with CPython's TypeError when the view is read-only.</summary>
    public void CheckWritable()
    {
        if (ReadOnly)
        {
            ThrowHelper.ThrowType("cannot modify read-only memory");
        }
    }

    /// <summary>The view with dimension <paramref name="dim"/> restricted to <paramref name="count"/> elements starting at <paramref name="first"/>, every <paramref name="step"/>.</summary>
    /// <remarks>Bounds come from <see cref="Slicing.Adjust(long, long?, long?, long?, out long, out long)"/>. With suboffsets, the start moves the nearest
    /// indirect dimension before <paramref name="dim"/> (CPython's init_slice), so slicing works in every dimension.</remarks>
    public ArrayView Slice(int dim, long first, long count, long step)
    {
        long[] shape = Layout.Shape.ToArray(), strides = Layout.Strides.ToArray();
        long[]? suboffsets = Layout.HasSuboffsets ? Layout.Suboffsets.ToArray() : null;
        BufferPointer buf = Buf;
        long startOffset = count == 0 ? 0 : strides[dim] * first;
        int n = dim - 1;
        while (suboffsets is not null && n >= 0 && suboffsets[n] < 0)
        {
            n--;
        }

        if (n >= 0 && suboffsets is not null)
        {
            suboffsets[n] += startOffset;
        }
        else
        {
            buf = buf.Add(startOffset);
        }

        // In range (as Slicing.Adjust makes them), the slice stays inside this view, and so is as trusted as it is.
        bool inside = count == 0 || (first >= 0 && first < shape[dim] && count > 0
            && (Int128)first + ((Int128)(count - 1) * step) is var last && last >= 0 && last < shape[dim]);
        shape[dim] = count;
        strides[dim] *= step;
        return new ArrayView(buf, ViewLayout.Own(Layout.ItemSize, shape, strides, suboffsets), Format, ReadOnly, _trusted && inside);
    }

    /// <summary>The (N-1)-dimensional view at <paramref name="index"/> of dimension <paramref name="dim"/>.</summary>
    /// <exception cref="BufferException">Out of range (Kind Index); or an indirect dimension right after another
    /// indirect one, which the suboffset model cannot express once removed (Kind NotImplemented).</exception>
    public ArrayView Take(int dim, long index)
    {
        long i = NormalizeIndex(dim, index);
        ArrayView one = Slice(dim, i, 1, 1);
        ViewLayout layout = one.Layout;
        long suboffset = layout.SuboffsetAt(dim);
        BufferPointer buf = one.Buf;
        long[]? suboffsets = layout.HasSuboffsets ? layout.Suboffsets.ToArray() : null;
        if (suboffset >= 0)
        {
            if (dim == 0)
            {
                // An empty sub-view's pointer need not lead anywhere (as in ListOf and the verifier).
                buf = layout.ItemCount > 0 ? MemoryRegistry.Dereference(buf).Add(suboffset) : buf;
            }
            else if (suboffsets![dim - 1] < 0)
            {
                // The pointer read at this dimension is read right after the previous one instead.
                suboffsets[dim - 1] = suboffset;
            }
            else
            {
                ThrowHelper.Throw(BufferErrorKind.NotImplemented, "memoryview: cannot index an indirect dimension that follows another indirect dimension");
            }
        }

        return new ArrayView(
            buf,
            ViewLayout.Own(layout.ItemSize, Remove(layout.Shape, dim), Remove(layout.Strides, dim), suboffsets is null ? null : Remove(suboffsets, dim)),
            Format,
            ReadOnly,
            one._trusted);
    }

    /// <summary>The view reinterpreted with another format and shape (<c>memoryview.cast</c>, CPython's rules and messages).</summary>
    /// <param name="format">The destination format: one native character, optionally after '@'.</param>
    /// <param name="shape">The new shape, or null for one dimension.</param>
    /// <remarks>A one-dimensional cast is kept (views are immutable, so the same format gives the same view):
    /// a chain such as <c>m.cast('B').cast('d')</c> repeated parses and allocates nothing after its first run.</remarks>
    public ArrayView Cast(string format, long[]? shape)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (shape is null && Volatile.Read(ref _lastCast) is { } memo && memo.Format == format)
        {
            return memo.View;
        }

        ArrayView result = CastUncached(format, shape);
        if (shape is null)
        {
            Volatile.Write(ref _lastCast, new CastMemo(format, result));
        }

        return result;
    }

    private ArrayView CastUncached(string format, long[]? shape)
    {
        if (!Flags.IsCContiguous)
        {
            ThrowHelper.ThrowType("memoryview: casts are restricted to C-contiguous views");
        }

        if ((shape is not null || Layout.NDim != 1) && HasZeroInShapeOrStrides())
        {
            ThrowHelper.ThrowType("memoryview: cannot cast view with zeros in shape or strides");
        }

        if (shape is not null)
        {
            if (shape.Length > ViewLayout.MaxNDim)
            {
                ThrowHelper.ThrowValue($"memoryview: number of dimensions must not exceed {ViewLayout.MaxNDim}");
            }

            if (Layout.NDim != 1 && shape.Length != 1)
            {
                ThrowHelper.ThrowType("memoryview: cast must be 1D -> ND or ND -> 1D");
            }
        }

        if (!StructFormat.TryParse(format, out StructFormat? destination, out _) || !destination.IsNativeSingleCharacter)
        {
            ThrowHelper.ThrowValue("memoryview: destination format must be a native single character format prefixed with an optional '@'");
        }

        if (!IsByteFormat(Format) && !IsByteFormat(destination.Text))
        {
            ThrowHelper.ThrowType("memoryview: cannot cast between two non-byte formats");
        }

        long itemSize = destination.Size, length = Layout.ByteLength;
        if (length % itemSize != 0)
        {
            ThrowHelper.ThrowType("memoryview: length is not a multiple of itemsize");
        }

        if (shape is null)
        {
            return new ArrayView(Buf, ViewLayout.Own(itemSize, [length / itemSize], [itemSize], null), format, ReadOnly, _trusted);
        }

        long product = itemSize;
        foreach (long n in shape)
        {
            if (n <= 0)
            {
                ThrowHelper.ThrowValue("memoryview.cast(): elements of shape must be integers > 0");
            }

            if (product > long.MaxValue / n)
            {
                ThrowHelper.ThrowValue("memoryview.cast(): product(shape) > SSIZE_MAX");
            }

            product *= n;
        }

        if (product != length)
        {
            ThrowHelper.ThrowType("memoryview: product(shape) * itemsize != buffer size");
        }

        return new ArrayView(Buf, ViewLayout.Contiguous(itemSize, shape), format, ReadOnly, _trusted);
    }

    /// <summary>Answers a request for this view's memory, as CPython's memoryview does (<c>memory_getbuf</c>): start
    /// from the complete description and drop what the request did not ask for, refusing what it cannot do without.</summary>
    /// <param name="view">The view to fill.</param>
    /// <param name="obj">The exporting object.</param>
    /// <param name="flags">The request.</param>
    /// <exception cref="BufferException">The request cannot be met (Kind Buffer, CPython's message).</exception>
    public void Answer(BufferView view, object? obj, BufferFlags flags)
    {
        BufferAnswer.FillFrom(view, obj, Buf, Layout, Flags, Format, ReadOnly, flags, "memoryview");
        if (_trusted)
        {
            ViewVerifier.Vouch(view, flags, Layout, formatMatches: !flags.WantsFormat() || ItemFormat is not null);
        }
    }

    /// <summary>The items as nested lists (<c>memoryview.tolist</c>): the item itself for a 0-d view.</summary>
    /// <param name="boxer">Turns unpacked values into the host's objects.</param>
    /// <param name="makeList">Builds the host's list from an array it may keep.</param>
    public object? ToList(IValueBoxer boxer, Func<object?[], object> makeList)
    {
        ArgumentNullException.ThrowIfNull(boxer);
        ArgumentNullException.ThrowIfNull(makeList);
        StructFormat format = RequireItemFormat();
        long objects = ListObjects();
        if (objects > Array.MaxLength)
        {
            ThrowHelper.Throw(BufferErrorKind.Memory, $"memoryview: cannot build nested lists holding {objects} objects");
        }

        return Layout.NDim == 0
            ? format.UnpackValue(Buf.Slice(Layout.ItemSize), boxer)
            : ListOf(Buf, 0, format, boxer, makeList);
    }

    /// <summary>CPython's <c>equiv_structure</c> for an assignment: the same format (a leading '@' aside,
    /// <c>equiv_format</c>), the same itemsize and equivalent shapes (<see cref="ViewLayout.EquivalentShape"/>).</summary>
    public bool HasEquivalentStructure(ArrayView other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Layout.ItemSize == other.Layout.ItemSize
            && NativeFormat(Format).SequenceEqual(NativeFormat(other.Format))
            && ViewLayout.EquivalentShape(Layout.Shape, other.Layout.Shape);

        static ReadOnlySpan<char> NativeFormat(string format) => format.StartsWith('@') ? format.AsSpan(1) : format;
    }

    /// <summary>Copies <paramref name="source"/>'s items onto this view's (<c>m[key] = source</c>, CPython's copy_buffer);
    /// the two may overlap.</summary>
    /// <exception cref="BufferException">Read-only (Kind Type), or the structures differ (Kind Value, CPython's message).</exception>
    public void CopyFrom(ArrayView source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckWritable();
        if (!HasEquivalentStructure(source))
        {
            ThrowHelper.ThrowValue("memoryview assignment: lvalue and rvalue have different structures");
        }

        ViewCopier.Copy(source.Buf, source.Layout, Buf, Layout);
    }

    /// <summary>CPython's <c>PyMemoryView_GetContiguous</c> without the memoryview: this view when it is contiguous
    /// in <paramref name="order"/> (<see cref="ViewLayout.IsContiguous"/>, <c>PyBuffer_IsContiguous</c>), else a read-only
    /// view of a copy of its items in a new array, laid out in Fortran order for 'F' and in C order otherwise
    /// (<c>memory_from_contiguous_copy</c>).</summary>
    /// <param name="order">The order the caller needs.</param>
    /// <param name="writable">The caller will write (<c>PyBUF_WRITE</c>): a read-only view, or one that needs copying, is refused.</param>
    /// <param name="copy">The new array when the result is a copy (a host may wrap it as the copy's object), else null.</param>
    /// <exception cref="BufferException">Refused for writing (Kind Buffer, CPython's messages).</exception>
    public ArrayView GetContiguous(Order order, bool writable, out byte[]? copy)
    {
        copy = null;
        if (writable && ReadOnly)
        {
            ThrowHelper.ThrowBuffer("underlying buffer is not writable");
        }

        if (Layout.IsContiguous(order))
        {
            return this;
        }

        if (writable)
        {
            ThrowHelper.ThrowBuffer("writable contiguous buffer requested for a non-contiguous object.");
        }

        Order layoutOrder = order == Order.Fortran ? Order.Fortran : Order.C;
        copy = ToBytes(layoutOrder);
        return new ArrayView(new ManagedMemoryBlock(copy).At(0), ViewLayout.Contiguous(Layout.ItemSize, Layout.Shape, layoutOrder), Format, readOnly: true, _trusted);
    }

    /// <summary>The items as contiguous bytes in <paramref name="order"/> (<c>memoryview.tobytes</c>).</summary>
    public byte[] ToBytes(Order order = Order.C) => ViewCopier.ToArray(Buf, Layout, order);

    // CPython's tolist_rec/tolist_base: recurse over outer dimensions, one loop for the last.
    private object ListOf(BufferPointer p, int dim, StructFormat format, IValueBoxer boxer, Func<object?[], object> makeList)
    {
        var items = new object?[Layout.Shape[dim]];
        if (dim < Layout.NDim - 1)
        {
            // Sub-arrays without items are lists of empty lists; their pointers are never followed,
            // since an empty view's suboffset pointers need not lead anywhere (the verifier skips them too).
            bool empty = Layout.Shape[(dim + 1)..].Contains(0);
            for (int k = 0; k < items.Length; k++)
            {
                items[k] = ListOf(empty ? p : Layout.Step(p, dim, k), dim + 1, format, boxer, makeList);
            }
        }
        else if (Layout.SuboffsetAt(dim) < 0 && format.Single is { } code && items.Length > 0)
        {
            // The common row: one span, one code; bounds are checked once per piece of the row.
            long itemSize = Layout.ItemSize, stride = Layout.Strides[dim];
            int per = (int)ViewCopier.ItemsPerPiece(stride, itemSize);
            bool littleEndian = format.LittleEndian;
            for (int k0 = 0; k0 < items.Length; k0 += per)
            {
                Span<object?> piece = items.AsSpan(k0, Math.Min(per, items.Length - k0));
                ReadOnlySpan<byte> block = ViewCopier.RowSpan(p.Add(stride * k0), piece.Length, stride, itemSize, out int start);
                long offset = start;
                for (int k = 0; k < piece.Length; k++, offset += stride)
                {
                    piece[k] = code.Unpack(block.Slice((int)offset, (int)itemSize), littleEndian, boxer);
                }
            }
        }
        else
        {
            long itemSize = Layout.ItemSize;
            for (int k = 0; k < items.Length; k++)
            {
                items[k] = format.UnpackValue(Layout.Step(p, dim, k).Slice(itemSize), boxer);
            }
        }

        return makeList(items);
    }

    /// <summary>How many lists and items tolist() builds (saturating): an empty view of shape (2**40, 0) still needs 2**40 lists.</summary>
    private long ListObjects()
    {
        Int128 level = 1, total = 0;
        foreach (long n in Layout.Shape)
        {
            level = Int128.Min(level * n, long.MaxValue);
            total = Int128.Min(total + level, long.MaxValue);
        }

        return (long)total;
    }

    /// <summary>CPython's IS_BYTE_FORMAT of get_native_fmtchar: 'b', 'B' or 'c', alone or after '@'.</summary>
    private static bool IsByteFormat(string format) => format is "b" or "B" or "c" or "@b" or "@B" or "@c";

    private bool HasZeroInShapeOrStrides()
    {
        foreach (long n in Layout.Shape)
        {
            if (n == 0)
            {
                return true;
            }
        }

        foreach (long s in Layout.Strides)
        {
            if (s == 0)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record CastMemo(string Format, ArrayView View);

    private static long[] Remove(ReadOnlySpan<long> values, int at)
    {
        var result = new long[values.Length - 1];
        values[..at].CopyTo(result);
        values[(at + 1)..].CopyTo(result.AsSpan(at));
        return result;
    }
}
