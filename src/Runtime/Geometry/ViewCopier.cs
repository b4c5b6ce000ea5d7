// Copies between a view and contiguous memory, in C or Fortran order, and between two views of the
// same shape. CPython's copy_base/copy_rec pair becomes RowCursor (the recursion over outer
// dimensions, following suboffsets) plus GatherRow/ScatterRow (the base case: one row, one tight
// loop specialised on itemsize).
//
// Fast paths: a view already contiguous in the wanted order is one block copy; Fortran order
// without suboffsets is C order over the transposed layout; rows are walked over the simplified
// layout (dimensions of one dropped, mergeable neighbours merged), so the tight loop runs long. The general path (suboffsets with
// Fortran order) locates each element. Every byte is reached through BufferPointer.Slice or a span
// bounds-checked against its block, so an unverified view fails with an error, never a stray read.
//
// Size: views and blocks may pass 2 GiB (64-bit offsets and strides throughout), spans may not. The
// contiguous side of a gather or scatter is one array or span, so it fits; the strided side is taken
// a piece at a time (RowSpan covers at most MemoryBlock.MaxPiece bytes of a row), and view-to-view
// copies never need a span of the whole view.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.Geometry;

/// <summary>Copies view contents to, from and between memory.</summary>
public static class ViewCopier
{
    /// <summary>The view's elements as a new array in <paramref name="order"/>: <c>memoryview.tobytes(order)</c>.</summary>
    /// <exception cref="BufferException">The view has more bytes than one array can hold (Kind Memory).</exception>
    public static byte[] ToArray(BufferPointer src, ViewLayout layout, Order order = Order.C)
    {
        if (layout.ByteLength > Array.MaxLength)
        {
            // A zero-stride view can describe terabytes over a few bytes of memory.
            ThrowHelper.Throw(BufferErrorKind.Memory, $"buffer: cannot copy {layout.ByteLength} bytes into one array");
        }

        var result = GC.AllocateUninitializedArray<byte>((int)layout.ByteLength);
        ToContiguous(src, layout, result, order);
        return result;
    }

    /// <summary>Copies the view's elements into <paramref name="dest"/> in <paramref name="order"/> (<c>PyBuffer_ToContiguous</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="dest"/> is not exactly the view's length.</exception>
    public static void ToContiguous(BufferPointer src, ViewLayout layout, Span<byte> dest, Order order = Order.C)
    {
        CheckLength(layout, dest.Length);
        order = layout.Resolve(order);
        if (layout.ItemCount == 0)
        {
            return;
        }

        if (layout.IsContiguous(order))
        {
            src.Slice(layout.ByteLength).CopyTo(dest);
        }
        else if (order == Order.C)
        {
            GatherC(src, layout, dest);
        }
        else if (!layout.HasSuboffsets)
        {
            GatherC(src, layout.Transposed(), dest);
        }
        else
        {
            long pos = 0, itemSize = layout.ItemSize;
            foreach (BufferPointer p in ElementsInFortranOrder(src, layout))
            {
                p.Slice(itemSize).CopyTo(dest.Slice((int)pos));
                pos += itemSize;
            }
        }
    }

    /// <summary>Fills the view's elements from <paramref name="source"/>, read in <paramref name="order"/> (<c>PyBuffer_FromContiguous</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not exactly the view's length.</exception>
    public static void FromContiguous(ReadOnlySpan<byte> source, BufferPointer dest, ViewLayout layout, Order order = Order.C)
    {
        CheckLength(layout, source.Length);
        order = layout.Resolve(order);
        if (layout.ItemCount == 0)
        {
            return;
        }

        if (layout.IsContiguous(order))
        {
            source.CopyTo(dest.Slice(layout.ByteLength));
        }
        else if (order == Order.C)
        {
            ScatterC(source, dest, layout);
        }
        else if (!layout.HasSuboffsets)
        {
            ScatterC(source, dest, layout.Transposed());
        }
        else
        {
            long pos = 0, itemSize = layout.ItemSize;
            foreach (BufferPointer p in ElementsInFortranOrder(dest, layout))
            {
                source.Slice((int)pos, (int)itemSize).CopyTo(p.Slice(itemSize));
                pos += itemSize;
            }
        }
    }

    /// <summary>Copies every element of one view onto the same position of another; the two may overlap.</summary>
    /// <exception cref="ArgumentException">The views differ in itemsize or shape (<see cref="ViewLayout.EquivalentShape"/>).</exception>
    public static void Copy(BufferPointer src, ViewLayout srcLayout, BufferPointer dest, ViewLayout destLayout)
    {
        if (srcLayout.ItemSize != destLayout.ItemSize || !ViewLayout.EquivalentShape(srcLayout.Shape, destLayout.Shape))
        {
            throw new ArgumentException("Views of different structure cannot be copied element by element.");
        }

        if (srcLayout.ItemCount == 0)
        {
            return;
        }

        if (srcLayout.IsCContiguous && destLayout.IsCContiguous)
        {
            // A memmove, so overlap is safe.
            src.CopyTo(dest, srcLayout.ByteLength);
            return;
        }

        if (!MayOverlap(src, srcLayout, dest, destLayout))
        {
            CopyRows(src, srcLayout, dest, destLayout);
            return;
        }

        // Staging through a temporary copy makes overlapping views safe without reasoning about
        // stride directions; it costs one extra pass over the data.
        byte[] staged = ToArray(src, srcLayout);
        ScatterC(staged, dest, destLayout);
    }

    /// <summary>Whether the memory two views reach may overlap (always, when either follows pointers or cannot be bounded).</summary>
    private static bool MayOverlap(BufferPointer src, ViewLayout srcLayout, BufferPointer dest, ViewLayout destLayout)
    {
        if (srcLayout.HasSuboffsets || destLayout.HasSuboffsets
            || !srcLayout.TryExtent(0, srcLayout.NDim, srcLayout.ItemSize, out long srcLow, out long srcHigh)
            || !destLayout.TryExtent(0, destLayout.NDim, destLayout.ItemSize, out long destLow, out long destHigh))
        {
            return true;
        }

        return BufferPointer.Overlap(src.Add(srcLow), srcHigh - srcLow, dest.Add(destLow), destHigh - destLow);
    }

    // Two views of one shape that do not overlap: each row straight from source to destination, no staging.
    private static void CopyRows(BufferPointer src, ViewLayout srcLayout, BufferPointer dest, ViewLayout destLayout)
    {
        var from = new RowCursor(src, srcLayout);
        var to = new RowCursor(dest, destLayout);
        long itemSize = srcLayout.ItemSize, count = from.RowLength;
        bool direct = from.RowSuboffset < 0 && to.RowSuboffset < 0;
        long per = Math.Min(ItemsPerPiece(from.RowStride, itemSize), ItemsPerPiece(to.RowStride, itemSize));
        while (from.MoveNext() && to.MoveNext())
        {
            if (!direct)
            {
                for (long k = 0; k < count; k++)
                {
                    from.Element(from.Current, k).Slice(itemSize).CopyTo(to.Element(to.Current, k).Slice(itemSize));
                }

                continue;
            }

            for (long k = 0; k < count; k += per)
            {
                long n = Math.Min(per, count - k);
                Span<byte> source = RowSpan(from.Current.Add(from.RowStride * k), n, from.RowStride, itemSize, out int sourceStart);
                Span<byte> target = RowSpan(to.Current.Add(to.RowStride * k), n, to.RowStride, itemSize, out int targetStart);
                CopyItems(
                    ref Unsafe.Add(ref MemoryMarshal.GetReference(source), sourceStart),
                    (nint)from.RowStride,
                    ref Unsafe.Add(ref MemoryMarshal.GetReference(target), targetStart),
                    (nint)to.RowStride,
                    itemSize,
                    (nint)n);
            }
        }
    }

    private static void GatherC(BufferPointer src, ViewLayout layout, Span<byte> dest)
    {
        layout = layout.Simplified();
        if (ShouldTile(layout))
        {
            GatherTiled(src, layout, dest);
            return;
        }

        var rows = new RowCursor(src, layout);
        long rowBytes = rows.RowLength * layout.ItemSize;
        int pos = 0;
        while (rows.MoveNext())
        {
            GatherRow(rows, rows.Current, layout.ItemSize, dest.Slice(pos, (int)rowBytes));
            pos += (int)rowBytes;
        }
    }

    private static void ScatterC(ReadOnlySpan<byte> source, BufferPointer dest, ViewLayout layout)
    {
        layout = layout.Simplified();
        var rows = new RowCursor(dest, layout);
        long rowBytes = rows.RowLength * layout.ItemSize;
        int pos = 0;
        while (rows.MoveNext())
        {
            ScatterRow(source.Slice(pos, (int)rowBytes), rows, rows.Current, layout.ItemSize);
            pos += (int)rowBytes;
        }
    }

    private static void GatherRow(RowCursor rows, BufferPointer row, long itemSize, Span<byte> dest)
    {
        long count = rows.RowLength, stride = rows.RowStride;
        if (rows.RowSuboffset >= 0)
        {
            for (long k = 0; k < count; k++)
            {
                rows.Element(row, k).Slice(itemSize).CopyTo(dest.Slice((int)(k * itemSize)));
            }

            return;
        }

        long per = ItemsPerPiece(stride, itemSize);
        for (long k = 0; k < count; k += per)
        {
            long n = Math.Min(per, count - k);
            GatherRun(row.Add(stride * k), n, stride, itemSize, dest.Slice((int)(k * itemSize), (int)(n * itemSize)));
        }
    }

    // One piece of a row: count items at stride into dest.
    private static void GatherRun(BufferPointer row, long count, long stride, long itemSize, Span<byte> dest)
    {
        Span<byte> block = RowSpan(row, count, stride, itemSize, out int start);
        if (stride == itemSize)
        {
            block.Slice(start, dest.Length).CopyTo(dest);
            return;
        }

        if (stride == 0)
        {
            // One item repeated (a broadcast): fill by doubling what is already copied.
            block.Slice(start, (int)itemSize).CopyTo(dest);
            for (int done = (int)itemSize; done < dest.Length; done *= 2)
            {
                dest[..Math.Min(done, dest.Length - done)].CopyTo(dest[done..]);
            }

            return;
        }

        ref byte from = ref Unsafe.Add(ref MemoryMarshal.GetReference(block), start);
        CopyItems(ref from, (nint)stride, ref MemoryMarshal.GetReference(dest), (nint)itemSize, itemSize, (nint)count);
    }

    private static void ScatterRow(ReadOnlySpan<byte> source, RowCursor rows, BufferPointer row, long itemSize)
    {
        long count = rows.RowLength, stride = rows.RowStride;
        if (rows.RowSuboffset >= 0)
        {
            for (long k = 0; k < count; k++)
            {
                source.Slice((int)(k * itemSize), (int)itemSize).CopyTo(rows.Element(row, k).Slice(itemSize));
            }

            return;
        }

        long per = ItemsPerPiece(stride, itemSize);
        for (long k = 0; k < count; k += per)
        {
            long n = Math.Min(per, count - k);
            ScatterRun(source.Slice((int)(k * itemSize), (int)(n * itemSize)), row.Add(stride * k), n, stride, itemSize);
        }
    }

    // One piece of a row: count items from source at stride.
    private static void ScatterRun(ReadOnlySpan<byte> source, BufferPointer row, long count, long stride, long itemSize)
    {
        Span<byte> block = RowSpan(row, count, stride, itemSize, out int start);
        if (stride == itemSize)
        {
            source.CopyTo(block.Slice(start, source.Length));
            return;
        }

        ref byte to = ref Unsafe.Add(ref MemoryMarshal.GetReference(block), start);
        CopyItems(ref MemoryMarshal.GetReference(source), (nint)itemSize, ref to, (nint)stride, itemSize, (nint)count);
    }

    // A row whose items are far apart (a transposed matrix) touches a new cache line per item;
    // copying square tiles of the last two dimensions keeps both sides in cache (a blocked transpose).
    private const int Tile = 32;
    private const long FarStride = 64;

    private static bool ShouldTile(ViewLayout layout)
    {
        int n = layout.NDim;
        return n >= 2 && !layout.HasSuboffsets
            && Math.Abs(layout.Strides[n - 1]) >= FarStride
            && layout.Shape[n - 1] >= Tile && layout.Shape[n - 2] >= Tile
            && layout.TryExtent(n - 2, n, layout.ItemSize, out long low, out long high) && high - low <= MemoryBlock.MaxPiece;
    }

    private static void GatherTiled(BufferPointer src, ViewLayout layout, Span<byte> dest)
    {
        int n = layout.NDim;
        long rows = layout.Shape[n - 2], cols = layout.Shape[n - 1], itemSize = layout.ItemSize;
        long rowStride = layout.Strides[n - 2], colStride = layout.Strides[n - 1];
        long planeBytes = rows * cols * itemSize;

        // Each plane of the last two dimensions is one tiled copy; the outer dimensions are walked
        // like rows, with the plane's two dimensions cut off.
        var planes = new RowCursor(src, ViewLayout.Own(itemSize, [.. layout.Shape[..(n - 2)], 1], [.. layout.Strides[..(n - 2)], 0], null));
        int pos = 0;
        while (planes.MoveNext())
        {
            BufferPointer origin = planes.Current;
            if (!layout.TryExtent(n - 2, n, itemSize, out long low, out long high))
            {
                ThrowHelper.ThrowValue("buffer: the view's strides reach beyond 2**63 bytes");
            }

            Span<byte> block = origin.Add(low).Slice(high - low);
            long start = -low;
            Span<byte> plane = dest.Slice(pos, (int)planeBytes);
            for (long i0 = 0; i0 < rows; i0 += Tile)
            {
                long i1 = Math.Min(i0 + Tile, rows);
                for (long j0 = 0; j0 < cols; j0 += Tile)
                {
                    long j1 = Math.Min(j0 + Tile, cols);
                    for (long i = i0; i < i1; i++)
                    {
                        long from = start + (i * rowStride) + (j0 * colStride);
                        long to = ((i * cols) + j0) * itemSize;
                        CopyStrided(block, from, colStride, plane, to, itemSize, j1 - j0);
                    }
                }
            }

            pos += (int)planeBytes;
        }
    }

    private static void CopyStrided(Span<byte> source, long from, long stride, Span<byte> dest, long to, long itemSize, long count) =>
        CopyItems(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(source), (nint)from),
            (nint)stride,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(dest), (nint)to),
            (nint)itemSize,
            itemSize,
            (nint)count);

    /// <summary>How many items of a row at <paramref name="stride"/> one <see cref="RowSpan"/> covers: its span and the
    /// contiguous bytes they make both stay within <see cref="MemoryBlock.MaxPiece"/> (at least one item).</summary>
    internal static long ItemsPerPiece(long stride, long itemSize) =>
        Math.Max(1, MemoryBlock.MaxPiece / Math.Max(stride == long.MinValue ? long.MaxValue : Math.Abs(stride), itemSize));

    /// <summary>The bytes a row of <paramref name="count"/> items reaches, after checking every element lies inside
    /// the block; <paramref name="start"/> is where the row's first item is in them.</summary>
    /// <remarks>128-bit arithmetic: an unverified row's stride * count may overflow a long, and a wrapped range would
    /// pass the check. Callers take rows in pieces of <see cref="ItemsPerPiece"/> items, so the span fits.</remarks>
    internal static Span<byte> RowSpan(BufferPointer row, long count, long stride, long itemSize, out int start)
    {
        Int128 reach = (Int128)stride * (count - 1);
        Int128 low = row.Offset + Int128.Min(reach, 0);
        Int128 high = row.Offset + Int128.Max(reach, 0) + itemSize;
        MemoryBlock? block = row.Block;
        if (block is null || low < 0 || high > block.Length)
        {
            ThrowHelper.ThrowValue($"buffer: a row of {count} items with stride {stride} at offset {row.Offset} lies outside the exporter's memory");
        }

        if (high - low > int.MaxValue)
        {
            ThrowHelper.Throw(BufferErrorKind.Memory, $"buffer: a row of {count} items with stride {stride} spans more than one span can hold");
        }

        start = (int)(row.Offset - low);
        return block.GetSpan((long)low, (int)(high - low));
    }

    /// <summary>Copies <paramref name="count"/> items between two strided runs, with a tight loop per common itemsize.</summary>
    /// <remarks>Unchecked: callers have bounds-checked both runs whole (RowSpan, TryExtent, exact spans).</remarks>
    private static void CopyItems(ref byte from, nint fromStep, ref byte to, nint toStep, long itemSize, nint count)
    {
        switch (itemSize)
        {
            case 1:
                CopyItems<byte>(ref from, fromStep, ref to, toStep, count);
                break;
            case 2:
                CopyItems<short>(ref from, fromStep, ref to, toStep, count);
                break;
            case 4:
                CopyItems<int>(ref from, fromStep, ref to, toStep, count);
                break;
            case 8:
                CopyItems<long>(ref from, fromStep, ref to, toStep, count);
                break;
            default:
                for (nint k = 0; k < count; k++)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref to, k * toStep), ref Unsafe.Add(ref from, k * fromStep), (uint)itemSize);
                }

                break;
        }
    }

    private static void CopyItems<T>(ref byte from, nint fromStep, ref byte to, nint toStep, nint count)
        where T : unmanaged
    {
        for (nint k = 0; k < count; k++)
        {
            T item = Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref from, k * fromStep));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, k * toStep), item);
        }
    }

    private static System.Collections.Generic.IEnumerable<BufferPointer> ElementsInFortranOrder(BufferPointer buf, ViewLayout layout)
    {
        if (layout.ItemCount == 0)
        {
            yield break;
        }

        var index = new long[layout.NDim];
        while (true)
        {
            yield return layout.Locate(buf, index);
            int d = 0;
            while (d < index.Length && ++index[d] == layout.Shape[d])
            {
                index[d++] = 0;
            }

            if (d == index.Length)
            {
                yield break;
            }
        }
    }

    private static void CheckLength(ViewLayout layout, int length)
    {
        if (length != layout.ByteLength)
        {
            throw new ArgumentException($"Contiguous memory of {length} bytes for a view of {layout.ByteLength} bytes.");
        }
    }
}
