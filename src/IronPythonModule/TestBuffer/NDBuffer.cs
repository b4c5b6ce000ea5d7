// One base buffer of a _testbuffer.ndarray (CPython's ndbuf_t in Modules/_testbuffer.c): the memory
// it owns, the Py_buffer describing it (Base) and how many exports it has. An ndarray keeps a list
// of these (push/pop); a consumer ndarray has exactly one, whose Base is the view it acquired from
// another exporter and whose memory it does not own.
//
// This is the host-neutral half of _testbuffer: building a base (offset and bounds checks, strides
// from shape, the PIL conversion), answering requests exactly as ndarray_getbuf does (its checks in
// its order, its messages), slicing and indexing a consumer's view, and copying between views as
// copy_rec does - row by row through a staging row, which differs from a whole-array staging copy
// when source and destination overlap, and _testbuffer's tests compare against that behaviour.
// Errors come from the core's installed factory (Python exceptions) with _testbuffer's messages.
//
// Invariants: Base.Shape/Strides/Suboffsets are this buffer's own copies (BufferView copies on set);
// a base built here has strides, and a shape unless ndim is 0; Data is null for a consumer.
using System;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Views;

namespace NewBuffer.IronPython.TestBuffer;

internal sealed class NDBuffer
{
    private NDBuffer(BufferView @base, MemoryBlock? data, long len, long offset, NDFlags flags)
    {
        Base = @base;
        Data = data;
        Len = len;
        Offset = offset;
        Flags = flags;
    }

    /// <summary>The Py_buffer describing the array: what a request starts from.</summary>
    public BufferView Base { get; }

    /// <summary>The memory an original base owns (null for a consumer).</summary>
    public MemoryBlock? Data { get; private set; }

    /// <summary>Bytes of <see cref="Data"/> (-1 for a consumer).</summary>
    public long Len { get; private set; }

    /// <summary>Where the array starts in <see cref="Data"/> (-1 for a consumer, 0 after the PIL conversion).</summary>
    public long Offset { get; private set; }

    public NDFlags Flags { get; set; }

    /// <summary>Buffers exported from this base and not yet released.</summary>
    public long Exports { get; set; }

    public bool IsCContiguous => (Flags & (NDFlags.Scalar | NDFlags.C)) != 0;

    public bool IsFContiguous => (Flags & (NDFlags.Scalar | NDFlags.Fortran)) != 0;

    public bool IsAnyContiguous => (Flags & (NDFlags.Scalar | NDFlags.C | NDFlags.Fortran)) != 0;

    /// <summary>ndbuf_new: zeroed memory for <paramref name="itemCount"/> items, described as plain bytes until <see cref="InitStructure"/>.</summary>
    public static NDBuffer Create(long itemCount, long itemSize, long offset, NDFlags flags)
    {
        long len = checked(itemCount * itemSize);
        if (offset % itemSize != 0)
        {
            throw Error(BufferErrorKind.Value, "offset must be a multiple of itemsize");
        }

        if (offset < 0 || offset + itemSize > len)
        {
            throw Error(BufferErrorKind.Value, "offset out of bounds");
        }

        var data = new ManagedMemoryBlock(new byte[len]);
        var view = BufferView.Create(null, data.At(0), len, 1, readOnly: false, 1, null, null, null, null);
        return new NDBuffer(view, data, len, offset, flags);
    }

    /// <summary>A consumer's base: the view it acquired (ndarray_init_staticbuf); flags say only whether it is writable
    /// until <see cref="InitFlags"/> runs, after the caller has narrowed the view.</summary>
    public static NDBuffer Consume(BufferView acquired) =>
        new(acquired, null, -1, -1, acquired.ReadOnly ? NDFlags.Default : NDFlags.Writable);

    /// <summary>init_simple after packing: the items' format and whether they may be written.</summary>
    public void InitSimple(long itemSize, string format)
    {
        Base.ReadOnly = (Flags & NDFlags.Writable) == 0;
        Base.ItemSize = itemSize;
        Base.Format = format;
    }

    /// <summary>init_structure: shape, strides (null: from shape, in C or Fortran order), bounds, flags, PIL conversion.</summary>
    /// <param name="shape">One entry per dimension (empty for a scalar), each >= 0.</param>
    /// <param name="strides">The strides, or null for contiguous ones.</param>
    public void InitStructure(long[] shape, long[]? strides)
    {
        int ndim = shape.Length;
        Base.NDim = ndim;
        if (ndim == 0)
        {
            if ((Flags & NDFlags.Pil) != 0)
            {
                throw Error(BufferErrorKind.Type, "ndim = 0 cannot be used in conjunction with ND_PIL");
            }

            Flags |= NDFlags.Scalar | NDFlags.C | NDFlags.Fortran;
            return;
        }

        long itemSize = Base.ItemSize;
        strides ??= StridesFromShape(shape, itemSize, (Flags & NDFlags.Fortran) != 0);
        VerifyStructure(Len, itemSize, Offset, shape, strides);
        Base.SetShape(shape);
        Base.SetStrides(strides);
        Base.Buf = Data!.At(Offset);
        Base.Len = ByteLength(shape, itemSize);
        if (RawView.IsContiguous(Base, Order.C))
        {
            Flags |= NDFlags.C;
        }

        if (RawView.IsContiguous(Base, Order.Fortran))
        {
            Flags |= NDFlags.Fortran;
        }

        if ((Flags & NDFlags.Pil) != 0)
        {
            InitSuboffsets();
        }
    }

    /// <summary>init_flags: what the current Base is (scalar, PIL, contiguous), added to the flags.</summary>
    public void InitFlags()
    {
        if (Base.NDim == 0)
        {
            Flags |= NDFlags.Scalar;
        }

        if (Base.HasSuboffsets)
        {
            Flags |= NDFlags.Pil;
        }

        if (RawView.IsContiguous(Base, Order.C))
        {
            Flags |= NDFlags.C;
        }

        if (RawView.IsContiguous(Base, Order.Fortran))
        {
            Flags |= NDFlags.Fortran;
        }
    }

    /// <summary>ndarray_getbuf without the redirect: fills <paramref name="view"/> (all but obj) or refuses with _testbuffer's message.</summary>
    public void Answer(BufferView view, BufferFlags flags)
    {
        if (Base.NDim != 0 && ((flags.WantsShape() && !Base.HasShape) || (flags.WantsStrides() && !Base.HasStrides)))
        {
            // A re-exporter created without full information is not a compliant provider.
            throw Error(BufferErrorKind.Buffer, "re-exporter does not provide format, shape or strides");
        }

        if ((Flags & NDFlags.GetBufFail) != 0)
        {
            throw Error(BufferErrorKind.Buffer, "ND_GETBUF_FAIL: forced test exception");
        }

        if (flags.WantsWritable() && Base.ReadOnly)
        {
            throw Error(BufferErrorKind.Buffer, "ndarray is not writable");
        }

        view.CopyLayoutFrom(Base);
        view.Format = flags.WantsFormat() ? Base.Format ?? "B" : null;
        if (flags.WantsCContiguous() && !IsCContiguous)
        {
            throw Error(BufferErrorKind.Buffer, "ndarray is not C-contiguous");
        }

        if (flags.WantsFContiguous() && !IsFContiguous)
        {
            throw Error(BufferErrorKind.Buffer, "ndarray is not Fortran contiguous");
        }

        if (flags.WantsAnyContiguous() && !IsAnyContiguous)
        {
            throw Error(BufferErrorKind.Buffer, "ndarray is not contiguous");
        }

        if (!flags.WantsIndirect() && (Flags & NDFlags.Pil) != 0)
        {
            throw Error(BufferErrorKind.Buffer, "ndarray cannot be represented without suboffsets");
        }

        if (!flags.WantsStrides())
        {
            if (!IsCContiguous)
            {
                throw Error(BufferErrorKind.Buffer, "ndarray is not C-contiguous");
            }

            view.SetStrides(null);
        }

        if (!flags.WantsShape())
        {
            // Without a shape the consumer sees unsigned bytes; a format would contradict that.
            if (view.Format is not null)
            {
                throw Error(BufferErrorKind.Buffer, "ndarray: cannot cast to unsigned bytes if the format flag is present");
            }

            view.NDim = 1;
            view.SetShape(null);
        }

        if (IsCContiguous != RawView.IsContiguous(view, Order.C)
            || (view.Format is not null && view.HasShape && IsFContiguous != RawView.IsContiguous(view, Order.Fortran))
            || (view.Format is null && !view.HasShape && !RawView.IsContiguous(view, Order.Fortran)))
        {
            throw Error(BufferErrorKind.Buffer, "ndarray: contiguity mismatch in getbuf()");
        }

        view.Internal = this;
    }

    /// <summary>Items in the first dimension (ndim > 0).</summary>
    public long Length => Base.HasShape ? Base.Shape[0] : RawView.ShapelessLength(Base);

    /// <summary>ptr_from_index: item <paramref name="index"/> of the first dimension, after its suboffset.</summary>
    public BufferPointer PointerAt(long index)
    {
        long count = Length;
        if (index < 0)
        {
            index += count;
        }

        if (index < 0 || index >= count)
        {
            throw Error(BufferErrorKind.Index, "index out of bounds");
        }

        // The pointer to an empty sub-array need not lead anywhere, so it is not followed.
        BufferPointer p = Base.Buf.Add((Base.HasStrides ? Base.Strides[0] : Base.ItemSize) * index);
        bool follow = Base.HasSuboffsets && Base.Suboffsets[0] >= 0 && !Base.Shape[1..].Contains(0);
        return follow ? MemoryRegistry.Dereference(p).Add(Base.Suboffsets[0]) : p;
    }

    /// <summary>ndarray_item's sub-view: this consumer's view narrowed to the (ndim-1)-array at <paramref name="at"/>.</summary>
    public void Descend(BufferPointer at)
    {
        Base.Buf = at;
        Base.Len /= Base.Shape[0];
        Base.NDim--;
        Base.SetShape(Base.Shape[1..].ToArray());
        Base.SetStrides(Base.HasStrides ? Base.Strides[1..].ToArray() : null);
        Base.SetSuboffsets(Base.HasSuboffsets ? Base.Suboffsets[1..].ToArray() : null);
        InitFlags();
    }

    /// <summary>init_slice: dimension <paramref name="dim"/> of this consumer's view restricted to a resolved slice.</summary>
    /// <remarks>With suboffsets the start moves the nearest indirect dimension before <paramref name="dim"/>, since
    /// the arrays behind the pointers cannot be moved through buf.</remarks>
    public void Slice(int dim, long start, long step, long length)
    {
        long[] shape = Base.Shape.ToArray(), strides = Base.Strides.ToArray();
        long[]? suboffsets = Base.HasSuboffsets ? Base.Suboffsets.ToArray() : null;
        int n = dim - 1;
        while (suboffsets is not null && n >= 0 && suboffsets[n] < 0)
        {
            n--;
        }

        if (suboffsets is null || n < 0)
        {
            Base.Buf = Base.Buf.Add(strides[dim] * start);
        }
        else
        {
            suboffsets[n] += strides[dim] * start;
        }

        shape[dim] = length;
        strides[dim] *= step;
        Base.SetShape(shape);
        Base.SetStrides(strides);
        Base.SetSuboffsets(suboffsets);
    }

    /// <summary>init_len and init_flags after slicing.</summary>
    public void Resize()
    {
        Base.Len = ByteLength(Base.Shape, Base.ItemSize);
        InitFlags();
    }

    /// <summary>ndarray_tobytes: the items in C order.</summary>
    public byte[] ToBytes()
    {
        if (IsCContiguous)
        {
            return Base.Buf.Slice(Base.Len).ToArray();
        }

        ViewLayout layout = RawView.Layout(Base);
        return ViewCopier.ToArray(Base.Buf, layout, Order.C);
    }

    /// <summary>ndarray_as_list: nested lists of the items (the item itself for ndim 0); the caller has checked
    /// that the format is given, parses and matches itemsize (errors that are struct.error in its runtime).</summary>
    public object? ToList(IValueBoxer boxer, Func<object?[], object> makeList) =>
        new ArrayView(Base.Buf, RawView.Layout(Base), Base.Format!, Base.ReadOnly).ToList(boxer, makeList);

    /// <summary>copy_buffer: copies <paramref name="src"/> onto <paramref name="dest"/>, which must have the same structure.</summary>
    public static void Copy(BufferView dest, BufferView src)
    {
        if (!SameStructure(dest, src))
        {
            throw Error(BufferErrorKind.Value, "ndarray assignment: lvalue and rvalue have different structures");
        }

        ViewLayout to = RawView.Layout(dest), from = RawView.Layout(src);
        if (to.ItemCount == 0)
        {
            return;
        }

        // copy_rec: each row is read whole, then written, before the next row is read.
        var destRows = new RowCursor(dest.Buf, to);
        var srcRows = new RowCursor(src.Buf, from);
        long itemSize = to.ItemSize;
        var row = new byte[checked((int)(destRows.RowLength * itemSize))];
        while (destRows.MoveNext() && srcRows.MoveNext())
        {
            for (long k = 0; k < srcRows.RowLength; k++)
            {
                srcRows.Element(srcRows.Current, k).Slice(itemSize).CopyTo(row.AsSpan((int)(k * itemSize)));
            }

            for (long k = 0; k < destRows.RowLength; k++)
            {
                row.AsSpan((int)(k * itemSize), (int)itemSize).CopyTo(destRows.Element(destRows.Current, k).Slice(itemSize));
            }
        }
    }

    /// <summary>Strides of a contiguous array (strides_from_shape).</summary>
    public static long[] StridesFromShape(ReadOnlySpan<long> shape, long itemSize, bool fortran)
    {
        var strides = new long[shape.Length];
        if (fortran)
        {
            strides[0] = itemSize;
            for (int i = 1; i < shape.Length; i++)
            {
                strides[i] = strides[i - 1] * shape[i - 1];
            }
        }
        else
        {
            strides[^1] = itemSize;
            for (int i = shape.Length - 2; i >= 0; i--)
            {
                strides[i] = strides[i + 1] * shape[i + 1];
            }
        }

        return strides;
    }

    private static Exception Error(BufferErrorKind kind, string message) => BufferErrors.Create(kind, message);

    private static long ByteLength(ReadOnlySpan<long> shape, long itemSize)
    {
        long len = 1;
        foreach (long n in shape)
        {
            len = checked(len * n);
        }

        return checked(len * itemSize);
    }

    /// <summary>verify_structure: every item lies inside the <paramref name="len"/> bytes of memory.</summary>
    private static void VerifyStructure(long len, long itemSize, long offset, long[] shape, long[] strides)
    {
        foreach (long stride in strides)
        {
            if (stride % itemSize != 0)
            {
                throw Error(BufferErrorKind.Value, "strides must be a multiple of itemsize");
            }
        }

        foreach (long n in shape)
        {
            if (n == 0)
            {
                return;
            }
        }

        if (!ViewLayout.TryExtent(shape, strides, itemSize, out long low, out long high)
            || (Int128)low + offset < 0 || (Int128)high + offset > len)
        {
            throw Error(BufferErrorKind.Value, "invalid combination of buffer, shape and strides");
        }
    }

    /// <summary>cmp_structure: _testbuffer compares formats exactly (no '@' skipped, unlike memoryview's equiv_format)
    /// and shapes as memoryview does (ViewLayout.EquivalentShape).</summary>
    private static bool SameStructure(BufferView dest, BufferView src) =>
        (dest.Format ?? "B") == (src.Format ?? "B") && dest.ItemSize == src.ItemSize && dest.NDim == src.NDim
        && ViewLayout.EquivalentShape(dest.Shape, src.Shape);

    /// <summary>init_suboffsets: turns the array into an array of pointers to its (ndim-1)-dimensional sub-arrays.</summary>
    /// <remarks>The pointers go in front of the items, in the same memory; suboffsets[0] is the offset each
    /// sub-array would need if it had been created on its own (it undoes the sub-arrays' negative strides).</remarks>
    private void InitSuboffsets()
    {
        long[] shape = Base.Shape.ToArray(), strides = Base.Strides.ToArray();
        int pointerSize = MemoryRegistry.PointerSize;
        long pointers = 8 * ((shape[0] * pointerSize + 7) / 8);
        var bytes = new byte[checked(Len + pointers)];
        Data!.At(0).Slice(Data.Length).CopyTo(bytes.AsSpan((int)pointers));
        var data = new ManagedMemoryBlock(bytes);
        Data = data;
        Len += pointers;

        long min = 0, suboffset0 = 0;
        for (int n = 0; n < shape.Length; n++)
        {
            if (shape[n] == 0)
            {
                break;
            }

            if (strides[n] <= 0)
            {
                long reach = (shape[n] - 1) * strides[n];
                min += reach;
                suboffset0 += n >= 1 ? -reach : 0;
            }
        }

        long start = pointers + Offset + min, step = Math.Abs(strides[0]);
        for (long n = 0; n < shape[0]; n++)
        {
            MemoryRegistry.WritePointer(data.At(n * pointerSize), data.At(start + (n * step)));
        }

        var suboffsets = new long[shape.Length];
        Array.Fill(suboffsets, -1);
        suboffsets[0] = suboffset0;
        BufferPointer buf = data.At(0);
        if (strides[0] >= 0)
        {
            strides[0] = pointerSize;
        }
        else
        {
            // Striding backwards over the pointers.
            strides[0] = -pointerSize;
            if (shape[0] > 0)
            {
                buf = buf.Add((shape[0] - 1) * pointerSize);
            }
        }

        Base.Buf = buf;
        Base.SetStrides(strides);
        Base.SetSuboffsets(suboffsets);
        Flags &= ~(NDFlags.C | NDFlags.Fortran);
        Offset = 0;
    }
}
