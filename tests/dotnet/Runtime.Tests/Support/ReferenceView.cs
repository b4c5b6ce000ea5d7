// The fuzzer's model of a view: its shape and, for every element in C order, the block and offset
// where that element lives. Slicing, indexing and casting act on that list with the textbook
// definitions (Python's slice rules written out again, not Slicing.Adjust), so the model shares no
// geometry code with ArrayView. Contiguity is read off the element positions.
using System;
using System.Collections.Generic;
using System.Linq;
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Tests.Support;

internal sealed class ReferenceView
{
    private readonly (MemoryBlock Block, long Offset)[] _elements;

    public ReferenceView(long[] shape, long itemSize, (MemoryBlock Block, long Offset)[] elements, bool indirect)
    {
        Shape = shape;
        ItemSize = itemSize;
        _elements = elements;
        Indirect = indirect;
    }

    public long[] Shape { get; }

    public long ItemSize { get; }

    /// <summary>The view came from one with suboffsets; ArrayView keeps the suboffsets array, so it is never contiguous.</summary>
    public bool Indirect { get; }

    public long Count => _elements.Length;

    public static ReferenceView Of(RandomView v)
    {
        var elements = Reference.Indices(v.Layout, Order.C).Select(index => Reference.Element(v.Buf, v.Layout, index)).ToArray();
        return new ReferenceView(v.Layout.Shape.ToArray(), v.Layout.ItemSize, elements, v.Layout.HasSuboffsets);
    }

    /// <summary>Every index of the shape in C or Fortran order.</summary>
    public static IEnumerable<long[]> Indices(long[] shape, Order order)
    {
        if (shape.Any(n => n == 0))
        {
            yield break;
        }

        var index = new long[shape.Length];
        while (true)
        {
            yield return (long[])index.Clone();
            int k = 0;
            for (; k < shape.Length; k++)
            {
                int d = order == Order.Fortran ? k : shape.Length - 1 - k;
                if (++index[d] < shape[d])
                {
                    break;
                }

                index[d] = 0;
            }

            if (k == shape.Length)
            {
                yield break;
            }
        }
    }

    /// <summary>The indices Python's <c>range(length)[start:stop:step]</c> keeps.</summary>
    public static long[] SliceIndices(long length, long? start, long? stop, long step)
    {
        var kept = new List<long>();
        if (step > 0)
        {
            long from = Clamp(start ?? 0, length, 0, length), to = Clamp(stop ?? length, length, 0, length);
            for (long i = from; i < to; i += step)
            {
                kept.Add(i);
            }
        }
        else
        {
            long from = start is null ? length - 1 : Clamp(start.Value, length, -1, length - 1);
            long to = stop is null ? -1 : Clamp(stop.Value, length, -1, length - 1);
            for (long i = from; i > to; i += step)
            {
                kept.Add(i);
            }
        }

        return kept.ToArray();
    }

    public (MemoryBlock Block, long Offset) Element(long[] index) => _elements[Flat(index)];

    public byte[] Item(long[] index)
    {
        (MemoryBlock block, long offset) = Element(index);
        return block.At(0).Slice(block.Length).Slice((int)offset, (int)ItemSize).ToArray();
    }

    public byte[] ToBytes(Order order) => Indices(Shape, order).SelectMany(Item).ToArray();

    /// <summary>Positions follow each other without gaps in <paramref name="order"/> (and no suboffsets were involved).</summary>
    public bool IsContiguous(Order order)
    {
        if (Indirect)
        {
            return false;
        }

        if (Count == 0)
        {
            return true;
        }

        (MemoryBlock first, long start) = _elements[0];
        long expected = start;
        foreach (long[] index in Indices(Shape, order))
        {
            (MemoryBlock block, long offset) = Element(index);
            if (!ReferenceEquals(block, first) || offset != expected)
            {
                return false;
            }

            expected += ItemSize;
        }

        return true;
    }

    public ReferenceView Slice(int dim, long[] kept)
    {
        long[] shape = (long[])Shape.Clone();
        shape[dim] = kept.Length;
        var elements = Indices(shape, Order.C).Select(index =>
        {
            long[] source = (long[])index.Clone();
            source[dim] = kept[index[dim]];
            return Element(source);
        }).ToArray();
        return new ReferenceView(shape, ItemSize, elements, Indirect);
    }

    public ReferenceView Take(int dim, long index)
    {
        long i = index < 0 ? index + Shape[dim] : index;
        long[] shape = Shape.Where((_, d) => d != dim).ToArray();
        var elements = Indices(shape, Order.C).Select(rest =>
        {
            var source = new long[Shape.Length];
            for (int d = 0, r = 0; d < Shape.Length; d++)
            {
                source[d] = d == dim ? i : rest[r++];
            }

            return Element(source);
        }).ToArray();
        return new ReferenceView(shape, ItemSize, elements, Indirect);
    }

    /// <summary>The same bytes read as items of <paramref name="itemSize"/> in <paramref name="shape"/> (C-contiguous views only).</summary>
    public ReferenceView Cast(long itemSize, long[] shape)
    {
        long count = shape.Aggregate(1L, (a, n) => a * n);
        var elements = new (MemoryBlock, long)[count];
        for (long k = 0; k < count; k++)
        {
            elements[k] = (_elements[0].Block, _elements[0].Offset + (k * itemSize));
        }

        return new ReferenceView(shape, itemSize, elements, false);
    }

    private static long Clamp(long value, long length, long low, long high)
    {
        if (value < 0)
        {
            value += length;
        }

        return Math.Min(Math.Max(value, low), high);
    }

    private long Flat(long[] index)
    {
        long flat = 0;
        for (int d = 0; d < Shape.Length; d++)
        {
            flat = (flat * Shape[d]) + index[d];
        }

        return flat;
    }
}
