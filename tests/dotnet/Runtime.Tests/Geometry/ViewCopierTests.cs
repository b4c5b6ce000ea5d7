using System;
using System.Linq;
using FsCheckProperty = FsCheck.NUnit.PropertyAttribute;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NUnit.Framework;

namespace NewBuffer.Tests.Geometry;

[TestFixture]
public class ViewCopierTests
{
    [FsCheckProperty(MaxTest = 400)]
    public void ToArray_RandomView_MatchesReferenceInEveryOrder(int seed)
    {
        RandomView v = RandomViews.Create(new Random(seed));
        foreach (Order order in new[] { Order.C, Order.Fortran, Order.Any })
        {
            Order resolved = v.Layout.Resolve(order);
            Assert.That(ViewCopier.ToArray(v.Buf, v.Layout, order), Is.EqualTo(Reference.ToBytes(v.Buf, v.Layout, resolved)), $"order {order}");
        }
    }

    [FsCheckProperty(MaxTest = 300)]
    public void FromContiguous_RandomView_WritesEachElementWhereReferenceSays(int seed)
    {
        var random = new Random(seed);
        RandomView v = RandomViews.Create(random);
        Order order = random.Next(2) == 0 ? Order.C : Order.Fortran;
        var source = new byte[v.Layout.ByteLength];
        random.NextBytes(source);

        ViewCopier.FromContiguous(source, v.Buf, v.Layout, order);

        // Elements may share memory (stride 0), so the last write in the order wins.
        long pos = 0;
        var expected = new System.Collections.Generic.Dictionary<(MemoryBlock, long), byte[]>();
        foreach (long[] index in Reference.Indices(v.Layout, order))
        {
            (MemoryBlock block, long offset) = Reference.Element(v.Buf, v.Layout, index);
            expected[(block, offset)] = source.AsSpan((int)pos, (int)v.Layout.ItemSize).ToArray();
            pos += v.Layout.ItemSize;
        }

        foreach (((MemoryBlock block, long offset), byte[] bytes) in expected)
        {
            if (!HasOverlappingNeighbour(expected.Keys, block, offset, v.Layout.ItemSize))
            {
                Assert.That(block.At(0).Slice(block.Length).Slice((int)offset, bytes.Length).ToArray(), Is.EqualTo(bytes));
            }
        }
    }

    [FsCheckProperty(MaxTest = 300)]
    public void Copy_OverlappingViewsOfOneBlock_CopiesAsIfThroughATemporary(int seed)
    {
        var random = new Random(seed);
        var block = new ManagedMemoryBlock(new byte[256]);
        random.NextBytes(block.Memory.Span);
        long[] shape = [random.Next(1, 5), random.Next(1, 5)];
        ViewLayout src = new(1, shape, [random.Next(-8, 9), random.Next(-3, 4)]);
        ViewLayout dst = new(1, shape, [random.Next(-8, 9), random.Next(-3, 4)]);
        BufferPointer srcBuf = block.At(100 + random.Next(-20, 20)), dstBuf = block.At(100 + random.Next(-20, 20));
        byte[] before = Reference.ToBytes(srcBuf, src, Order.C);

        ViewCopier.Copy(srcBuf, src, dstBuf, dst);

        // Where destination elements coincide, the last in C order wins; compare the rest.
        var written = Reference.Indices(dst, Order.C).Select(ix => Reference.Element(dstBuf, dst, ix).Offset).ToArray();
        for (int k = 0; k < written.Length; k++)
        {
            if (Array.LastIndexOf(written, written[k]) == k)
            {
                Assert.That(block.At(0).Slice(block.Length)[(int)written[k]], Is.EqualTo(before[k]));
            }
        }
    }

    [FsCheckProperty(MaxTest = 60)]
    public void ToArray_LargeFarStridedViews_TiledCopyMatchesReference(int seed)
    {
        // Shapes of 32 and more with far strides take the tiled (blocked transpose) path.
        var random = new Random(seed);
        long itemSize = new long[] { 1, 3, 4, 8 }[random.Next(4)];
        int ndim = random.Next(2, 4);
        long[] shape = Enumerable.Range(0, ndim).Select(d => (long)(d < ndim - 2 ? random.Next(1, 3) : random.Next(32, 70))).ToArray();
        long[] strides = ViewLayout.ContiguousStrides(shape, itemSize, Order.Fortran);
        for (int d = 0; d < ndim; d++)
        {
            if (random.Next(3) == 0)
            {
                strides[d] = -strides[d];
            }
        }

        var layout = new ViewLayout(itemSize, shape, strides);
        (long low, long high) = layout.Extent(0, ndim, itemSize);
        var block = new ManagedMemoryBlock(new byte[high - low]);
        random.NextBytes(block.Memory.Span);
        BufferPointer buf = block.At(-low);

        Assert.That(ViewCopier.ToArray(buf, layout, Order.C), Is.EqualTo(Reference.ToBytes(buf, layout, Order.C)));
    }

    [Test]
    public void ToContiguous_TransposedMatrix_GivesColumnsAsRows()
    {
        var block = new ManagedMemoryBlock(Enumerable.Range(0, 6).Select(i => (byte)i).ToArray());
        var transposed = new ViewLayout(1, [3, 2], [1, 3]);

        Assert.That(ViewCopier.ToArray(block.At(0), transposed, Order.C), Is.EqualTo(new byte[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(ViewCopier.ToArray(block.At(0), transposed, Order.Fortran), Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(ViewCopier.ToArray(block.At(0), transposed, Order.Any), Is.EqualTo(new byte[] { 0, 1, 2, 3, 4, 5 }));
    }

    [TestCase(1, 7)]
    [TestCase(3, 5)]
    [TestCase(8, 9)]
    [TestCase(3, 1)]
    public void ToArray_ZeroStrideRows_RepeatTheItem(int itemSize, int count)
    {
        var block = new ManagedMemoryBlock(Enumerable.Range(1, itemSize).Select(i => (byte)i).ToArray());
        var layout = new ViewLayout(itemSize, [2, count, 1], [0, 0, 5], [-1, -1, -1]);

        byte[] expected = Enumerable.Repeat(Enumerable.Range(1, itemSize).Select(i => (byte)i), 2 * count).SelectMany(b => b).ToArray();
        Assert.That(ViewCopier.ToArray(block.At(0), layout), Is.EqualTo(expected));
    }

    [Test]
    public void ToContiguous_ViewReachingPastItsBlock_ThrowsValueErrorInsteadOfReading()
    {
        var block = new ManagedMemoryBlock(new byte[8]);
        var layout = new ViewLayout(4, [3], [4]);

        var e = Assert.Throws<BufferException>(() => ViewCopier.ToArray(block.At(0), layout));

        Assert.That(e!.Kind, Is.EqualTo(BufferErrorKind.Value));
        Assert.That(e.Message, Does.Contain("outside the exporter's memory"));
    }

    [Test]
    public void ToContiguous_WrongDestinationLength_ThrowsArgumentException()
    {
        var block = new ManagedMemoryBlock(new byte[8]);
        Assert.Throws<ArgumentException>(() => ViewCopier.ToContiguous(block.At(0), new ViewLayout(1, [8], [1]), new byte[7]));
    }

    private static bool HasOverlappingNeighbour(System.Collections.Generic.IEnumerable<(MemoryBlock Block, long Offset)> keys, MemoryBlock block, long offset, long itemSize) =>
        keys.Any(k => ReferenceEquals(k.Block, block) && k.Offset != offset && Math.Abs(k.Offset - offset) < itemSize);
}
