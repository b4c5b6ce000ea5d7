// ViewFlags is CPython memoryview's init_flags: the rows of its table, each against CPython 3.13's
// c_contiguous/f_contiguous for the same view (noted beside each case).
using NewBuffer.Geometry;
using NUnit.Framework;

namespace NewBuffer.Tests.Geometry;

[TestFixture]
public class ViewFlagsTests
{
    // memoryview(b'abcd')[::2][0:0] -> (False, False, False); PyBuffer_IsContiguous says True.
    [Test]
    public void Of_EmptyOneDimensionalWithGaps_NotContiguous()
    {
        var layout = new ViewLayout(1, [0], [2]);

        ViewFlags flags = ViewFlags.Of(layout);

        Assert.That((flags.IsCContiguous, flags.IsFContiguous, flags.IsAnyContiguous), Is.EqualTo((false, false, false)));
        Assert.That(layout.IsCContiguous, Is.True, "the layout keeps PyBuffer_IsContiguous's answer");
    }

    // memoryview(bytearray(12)).cast('i')[::3][0:1] -> strides (12,), (True, True, True).
    [Test]
    public void Of_OneItemWithAnyStride_Contiguous()
    {
        ViewFlags flags = ViewFlags.Of(new ViewLayout(4, [1], [12]));

        Assert.That((flags.IsCContiguous, flags.IsFContiguous), Is.EqualTo((true, true)));
    }

    // memoryview(b'').cast('B') -> (True, True, True).
    [Test]
    public void Of_EmptyTightOneDimensional_Contiguous()
    {
        Assert.That(ViewFlags.Of(new ViewLayout(1, [0], [1])).IsAnyContiguous, Is.True);
    }

    // memoryview(b'abcd').cast('i', []) -> (True, True, True).
    [Test]
    public void Of_Scalar_BothOrders()
    {
        ViewFlags flags = ViewFlags.Of(new ViewLayout(4, [], []));

        Assert.That((flags.IsScalar, flags.IsCContiguous, flags.IsFContiguous), Is.EqualTo((true, true, true)));
    }

    // memoryview(bytearray(24)).cast('i', [2, 3]) -> (True, False, True).
    [Test]
    public void Of_TwoDimensional_FollowsTheLayout()
    {
        ViewFlags flags = ViewFlags.Of(ViewLayout.Contiguous(4, [2, 3]));

        Assert.That((flags.IsCContiguous, flags.IsFContiguous, flags.IsContiguous(Order.Any)), Is.EqualTo((true, false, true)));
    }

    // An ndarray with ND_PIL: c_contiguous False even when its strides are tight.
    [Test]
    public void Of_Suboffsets_NeitherOrder()
    {
        ViewFlags flags = ViewFlags.Of(new ViewLayout(1, [4], [1], [-1]));

        Assert.That((flags.IsPil, flags.IsAnyContiguous), Is.EqualTo((true, false)));
    }
}
