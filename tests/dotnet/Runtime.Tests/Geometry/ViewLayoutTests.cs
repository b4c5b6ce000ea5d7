using System;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NUnit.Framework;

namespace NewBuffer.Tests.Geometry;

[TestFixture]
public class ViewLayoutTests
{
    // shape, strides, itemsize -> C-contiguous, F-contiguous (PyBuffer_IsContiguous semantics)
    [TestCase(new long[] { }, new long[] { }, 8, true, true, TestName = "IsContiguous_ZeroDim_Both")]
    [TestCase(new long[] { 5 }, new long[] { 4 }, 4, true, true, TestName = "IsContiguous_OneDimUnitStride_Both")]
    [TestCase(new long[] { 5 }, new long[] { -4 }, 4, false, false, TestName = "IsContiguous_NegativeStride_Neither")]
    [TestCase(new long[] { 1 }, new long[] { -4 }, 4, true, true, TestName = "IsContiguous_LengthOneDimension_IgnoresStride")]
    [TestCase(new long[] { 0, 3 }, new long[] { 99, 7 }, 1, true, true, TestName = "IsContiguous_ZeroInShape_Both")]
    [TestCase(new long[] { 2, 3 }, new long[] { 3, 1 }, 1, true, false, TestName = "IsContiguous_RowMajor_COnly")]
    [TestCase(new long[] { 2, 3 }, new long[] { 1, 2 }, 1, false, true, TestName = "IsContiguous_ColumnMajor_FOnly")]
    [TestCase(new long[] { 2, 1, 3 }, new long[] { 3, 100, 1 }, 1, true, false, TestName = "IsContiguous_MiddleLengthOne_IgnoresStride")]
    [TestCase(new long[] { 2, 3 }, new long[] { 6, 2 }, 1, false, false, TestName = "IsContiguous_Gaps_Neither")]
    public void IsContiguous_Table(long[] shape, long[] strides, long itemSize, bool c, bool f)
    {
        var layout = new ViewLayout(itemSize, shape, strides);

        Assert.That(layout.IsCContiguous, Is.EqualTo(c), "C");
        Assert.That(layout.IsFContiguous, Is.EqualTo(f), "F");
        Assert.That(layout.IsAnyContiguous, Is.EqualTo(c || f), "any");
    }

    [Test]
    public void IsContiguous_WithSuboffsets_IsNeverContiguous()
    {
        var layout = new ViewLayout(1, [2], [1], [-1]);
        Assert.That(layout.IsCContiguous || layout.IsFContiguous, Is.False);
    }

    [Test]
    public void ContiguousStrides_BothOrders_MatchNumpy()
    {
        Assert.That(ViewLayout.ContiguousStrides([2, 3, 4], 8, Order.C), Is.EqualTo(new long[] { 96, 32, 8 }));
        Assert.That(ViewLayout.ContiguousStrides([2, 3, 4], 8, Order.Fortran), Is.EqualTo(new long[] { 8, 16, 48 }));
    }

    [Test]
    public void ContiguousStrides_IntoCallersSpan_SameAsTheArray_AndOnlyOfTheShapesLength()
    {
        Span<long> strides = stackalloc long[3];
        ViewLayout.ContiguousStrides([2, 3, 4], 8, strides, Order.Fortran);
        Assert.That(strides.ToArray(), Is.EqualTo(new long[] { 8, 16, 48 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ViewLayout.ContiguousStrides([2, 3], 8, new long[3]));
    }

    [Test]
    public void Extent_NegativeAndPositiveStrides_SpansBothWays()
    {
        var layout = new ViewLayout(4, [3, 2], [-16, 4]);
        Assert.That(layout.Extent(0, 2, 4), Is.EqualTo((-32L, 8L)));
    }

    [Test]
    public void Extent_ZeroInShape_IsEmpty()
    {
        var layout = new ViewLayout(4, [3, 0], [-16, 4]);
        Assert.That(layout.Extent(0, 2, 4), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public void Locate_WithSuboffsets_FollowsThePointer()
    {
        var row0 = new ManagedMemoryBlock(new byte[] { 10, 11, 12 });
        var row1 = new ManagedMemoryBlock(new byte[] { 20, 21, 22 });
        var pointers = new ManagedMemoryBlock(new byte[2 * MemoryRegistry.PointerSize]);
        MemoryRegistry.WritePointer(pointers.At(0), row0.At(0));
        MemoryRegistry.WritePointer(pointers.At(MemoryRegistry.PointerSize), row1.At(0));
        var layout = new ViewLayout(1, [2, 2], [MemoryRegistry.PointerSize, 1], [1, -1]);

        BufferPointer p = layout.Locate(pointers.At(0), [1, 1]);

        Assert.That(p.Block, Is.SameAs(row1));
        Assert.That(p.Slice(1)[0], Is.EqualTo(22));
    }

    [Test]
    public void Constructor_InconsistentArrays_Throws()
    {
        Assert.Throws<ArgumentException>(() => _ = new ViewLayout(1, [2, 2], [1]));
        Assert.Throws<ArgumentException>(() => _ = new ViewLayout(0, [2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ViewLayout(1, [-2], [1]));
    }

    [Test]
    public void Transposed_WithSuboffsets_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ViewLayout(1, [2], [8], [0]).Transposed());
    }

    // shape, strides (itemsize 1) -> simplified shape, strides
    [TestCase(new long[] { 1073741824, 1 }, new long[] { 0, 4 }, new long[] { 1073741824 }, new long[] { 0 }, TestName = "Simplified_TrailingOne_Dropped")]
    [TestCase(new long[] { 1, 1 }, new long[] { 8, 4 }, new long[] { }, new long[] { }, TestName = "Simplified_AllOnes_ZeroDim")]
    [TestCase(new long[] { 2, 3, 4 }, new long[] { 100, 16, 4 }, new long[] { 2, 12 }, new long[] { 100, 4 }, TestName = "Simplified_InnerNeighboursMerged")]
    [TestCase(new long[] { 2, 3 }, new long[] { -12, -4 }, new long[] { 6 }, new long[] { -4 }, TestName = "Simplified_NegativeStridesMerged")]
    [TestCase(new long[] { 3, 4 }, new long[] { 0, 0 }, new long[] { 12 }, new long[] { 0 }, TestName = "Simplified_ZeroStridesMerged")]
    [TestCase(new long[] { 2, 3 }, new long[] { 4, 8 }, new long[] { 2, 3 }, new long[] { 4, 8 }, TestName = "Simplified_FortranOrder_Kept")]
    [TestCase(new long[] { 2, 3 }, new long[] { 20, 4 }, new long[] { 2, 3 }, new long[] { 20, 4 }, TestName = "Simplified_Gap_Kept")]
    [TestCase(new long[] { 2, 1099511627776 }, new long[] { 0, 1073741824 }, new long[] { 2, 1099511627776 }, new long[] { 0, 1073741824 }, TestName = "Simplified_StrideProductOverflow_Kept")]
    public void Simplified_Table(long[] shape, long[] strides, long[] wantShape, long[] wantStrides)
    {
        ViewLayout simple = new ViewLayout(1, shape, strides).Simplified();

        Assert.That(simple.Shape.ToArray(), Is.EqualTo(wantShape), "shape");
        Assert.That(simple.Strides.ToArray(), Is.EqualTo(wantStrides), "strides");
    }

    [Test]
    public void Simplified_FollowingPointers_IsTheSameLayout()
    {
        var layout = new ViewLayout(1, [2, 1], [8, 1], [0, -1]);

        Assert.That(layout.Simplified(), Is.SameAs(layout));
    }

    [Test]
    public void Simplified_SuboffsetsAllNegative_AreDropped()
    {
        ViewLayout simple = new ViewLayout(1, [1073741824, 1], [0, 1], [-1, -1]).Simplified();

        Assert.That((simple.Shape.ToArray(), simple.Strides.ToArray(), simple.HasSuboffsets), Is.EqualTo((new long[] { 1073741824 }, new long[] { 0 }, false)));
    }

    // CPython's equiv_shape: lengths compared up to and including the first zero.
    [TestCase(new long[] { 1, 0, 5 }, new long[] { 1, 0, 7 }, true)]
    [TestCase(new long[] { 0, 3 }, new long[] { 0, 9 }, true)]
    [TestCase(new long[] { 2, 3 }, new long[] { 2, 3 }, true)]
    [TestCase(new long[] { 2, 3 }, new long[] { 3, 2 }, false)]
    [TestCase(new long[] { 1, 0, 5 }, new long[] { 1, 1, 5 }, false)]
    [TestCase(new long[] { 0 }, new long[] { 0, 0 }, false)]
    [TestCase(new long[] { }, new long[] { }, true)]
    public void EquivalentShape_Table(long[] a, long[] b, bool equivalent)
    {
        Assert.That(ViewLayout.EquivalentShape(a, b), Is.EqualTo(equivalent));
        Assert.That(ViewLayout.EquivalentShape(b, a), Is.EqualTo(equivalent));
    }
}
