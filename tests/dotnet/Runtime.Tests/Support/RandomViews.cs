// Random views for property tests: any itemsize, 0 to 4 dimensions, zero and negative strides,
// gaps between items, and PIL-style views whose first dimension is an array of pointers to
// separately allocated row blocks. Each view's memory holds distinct bytes so copies can be told
// apart. Reference reads elements with plain arithmetic, independent of the code under test.
// Blocks come from an allocator the caller may supply (guarded memory in the reliability tests);
// `large` occasionally makes the last two dimensions big enough for the tiled copy paths.
using System;
using System.Collections.Generic;
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Tests.Support;

internal sealed record RandomView(BufferPointer Buf, ViewLayout Layout, List<MemoryBlock> Blocks);

internal static class RandomViews
{
    private static readonly long[] ItemSizes = [1, 2, 3, 4, 8, 16];

    public static RandomView Create(Random random, bool allowSuboffsets = true, int maxNDim = 4, Func<byte[], MemoryBlock>? allocate = null, bool large = false)
    {
        allocate ??= bytes => new ManagedMemoryBlock(bytes);
        long itemSize = ItemSizes[random.Next(ItemSizes.Length)];
        int ndim = random.Next(maxNDim + 1);
        var shape = new long[ndim];
        for (int i = 0; i < ndim; i++)
        {
            shape[i] = random.Next(10) == 0 ? 0 : random.Next(1, 5);
        }

        if (large && ndim >= 2 && random.Next(4) == 0)
        {
            shape[ndim - 1] = random.Next(30, 41);
            shape[ndim - 2] = random.Next(30, 41);
            for (int i = 0; i < ndim - 2; i++)
            {
                shape[i] = Math.Min(shape[i], 2);
            }
        }

        bool pil = allowSuboffsets && ndim >= 1 && random.Next(3) == 0;
        return pil ? CreatePil(random, itemSize, shape, allocate) : CreateStrided(random, itemSize, shape, allocate);
    }

    private static RandomView CreateStrided(Random random, long itemSize, long[] shape, Func<byte[], MemoryBlock> allocate)
    {
        long[] strides = RandomStrides(random, itemSize, shape);
        var layout = new ViewLayout(itemSize, shape, strides);
        var blocks = new List<MemoryBlock>();
        BufferPointer buf = Place(random, layout.Extent(0, shape.Length, itemSize), blocks, allocate);
        return new RandomView(buf, layout, blocks);
    }

    private static RandomView CreatePil(Random random, long itemSize, long[] shape, Func<byte[], MemoryBlock> allocate)
    {
        // Dimension 0 is an array of pointers; each points (after the suboffset) to a row block
        // holding the remaining dimensions.
        long[] inner = shape[1..];
        long[] innerStrides = RandomStrides(random, itemSize, inner);
        var innerLayout = new ViewLayout(itemSize, inner, innerStrides);
        (long low, long high) = innerLayout.Extent(0, inner.Length, itemSize);
        long suboffset = random.Next(4) * itemSize - low;

        var blocks = new List<MemoryBlock>();
        int pointerSize = MemoryRegistry.PointerSize;
        long pointerStride = random.Next(2) == 0 ? pointerSize : -pointerSize;
        MemoryBlock pointers = allocate(new byte[Math.Max(shape[0], 1) * pointerSize]);
        blocks.Add(pointers);
        BufferPointer buf = pointers.At(pointerStride > 0 ? 0 : (Math.Max(shape[0], 1) - 1) * pointerSize);
        for (long i = 0; i < shape[0]; i++)
        {
            MemoryBlock row = allocate(Fill(random, suboffset + high + random.Next(3)));
            blocks.Add(row);
            MemoryRegistry.WritePointer(buf.Add(i * pointerStride), row.At(0));
        }

        var strides = new long[shape.Length];
        strides[0] = pointerStride;
        innerStrides.CopyTo(strides, 1);
        var suboffsets = new long[shape.Length];
        Array.Fill(suboffsets, -1L);
        suboffsets[0] = suboffset;
        return new RandomView(buf, new ViewLayout(itemSize, shape, strides, suboffsets), blocks);
    }

    private static long[] RandomStrides(Random random, long itemSize, long[] shape)
    {
        long[] strides = ViewLayout.ContiguousStrides(shape, itemSize, random.Next(2) == 0 ? Order.C : Order.Fortran);
        for (int i = 0; i < shape.Length; i++)
        {
            switch (random.Next(5))
            {
                case 0:
                    strides[i] = -strides[i];
                    break;
                case 1:
                    strides[i] *= random.Next(2, 4);
                    break;
                case 2:
                    strides[i] = random.Next(3) == 0 ? 0 : strides[i] + itemSize * random.Next(3);
                    break;
                default:
                    break;
            }
        }

        return strides;
    }

    private static BufferPointer Place(Random random, (long Low, long High) extent, List<MemoryBlock> blocks, Func<byte[], MemoryBlock> allocate)
    {
        long before = random.Next(5), after = random.Next(5);
        MemoryBlock block = allocate(Fill(random, before + extent.High - extent.Low + after));
        blocks.Add(block);
        return block.At(before - extent.Low);
    }

    internal static byte[] Fill(Random random, long length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>Reads elements by plain index arithmetic, the way the PEP describes it.</summary>
internal static class Reference
{
    public static IEnumerable<long[]> Indices(ViewLayout layout, Order order) => ReferenceView.Indices(layout.Shape.ToArray(), order);

    public static (MemoryBlock Block, long Offset) Element(BufferPointer buf, ViewLayout layout, long[] index)
    {
        MemoryBlock block = buf.Block!;
        long offset = buf.Offset;
        for (int d = 0; d < index.Length; d++)
        {
            offset += index[d] * layout.Strides[d];
            long suboffset = layout.SuboffsetAt(d);
            if (suboffset >= 0)
            {
                long address = BitConverter.ToInt64(block.At(0).Slice(block.Length).Slice((int)offset, 8));
                BufferPointer target = MemoryRegistry.Resolve(address, 0);
                block = target.Block!;
                offset = target.Offset + suboffset;
            }
        }

        return (block, offset);
    }

    public static byte[] ToBytes(BufferPointer buf, ViewLayout layout, Order order)
    {
        var result = new List<byte>();
        foreach (long[] index in Indices(layout, order))
        {
            (MemoryBlock block, long offset) = Element(buf, layout, index);
            result.AddRange(block.At(0).Slice(block.Length).Slice((int)offset, (int)layout.ItemSize).ToArray());
        }

        return result.ToArray();
    }
}
