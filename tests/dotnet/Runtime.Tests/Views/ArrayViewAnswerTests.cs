// ArrayView.Answer is CPython's memory_getbuf: every refusal with its message, in its order, read
// from the view's flags (init_flags), so a request agrees with c_contiguous and cast.
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Views;

[TestFixture]
public class ArrayViewAnswerTests
{
    private static readonly ManagedMemoryBlock Block = new(new byte[24]);

    private static readonly ViewLayout Matrix = ViewLayout.Contiguous(4, [2, 3]);
    private static readonly ViewLayout Columns = new(4, [2, 3], [4, 8]);
    private static readonly ViewLayout Pil = new(4, [2, 3], [8, 4], [0, -1]);

    [TestCase(BufferFlags.Writable, "ro", "memoryview: underlying buffer is not writable")]
    [TestCase(BufferFlags.CContiguous, "cols", "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.FContiguous, "matrix", "memoryview: underlying buffer is not Fortran contiguous")]
    [TestCase(BufferFlags.StridedRO, "pil", "memoryview: underlying buffer requires suboffsets")]
    [TestCase(BufferFlags.ND, "cols", "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.Format, "matrix", "memoryview: cannot cast to unsigned bytes if the format flag is present")]
    public void Answer_RequestItCannotMeet_ThrowsCPythonsMessage(BufferFlags flags, string which, string message)
    {
        ViewLayout layout = which switch { "cols" => Columns, "pil" => Pil, _ => Matrix };
        var e = Assert.Throws<BufferException>(() =>
            new ArrayView(Block.At(0), layout, "i", which == "ro").Answer(new BufferView(), null, flags));
        Assert.That((e!.Kind, e.Message), Is.EqualTo((BufferErrorKind.Buffer, message)));
    }

    [Test]
    public void Answer_AnyContiguousOfNeither_Throws()
    {
        var gaps = new ViewLayout(4, [2, 3], [24, 8]);
        var e = Assert.Throws<BufferException>(() =>
            new ArrayView(Block.At(0), gaps, "i", false).Answer(new BufferView(), null, BufferFlags.AnyContiguous));
        Assert.That(e!.Message, Is.EqualTo("memoryview: underlying buffer is not contiguous"));
    }

    [Test]
    public void Answer_Simple_AnswersBytesKeepingItemsize()
    {
        var view = new BufferView();
        new ArrayView(Block.At(0), Matrix, "i", false).Answer(view, null, BufferFlags.Simple);

        Assert.That((view.NDim, view.Len, view.ItemSize, view.Format), Is.EqualTo((1, 24L, 4L, (string?)null)));
        Assert.That(view.HasShape || view.HasStrides, Is.False);
    }

    [Test]
    public void Answer_FullRO_AnswersEverything()
    {
        var view = new BufferView();
        new ArrayView(Block.At(0), Pil, "i", true).Answer(view, null, BufferFlags.FullRO);

        Assert.That(view.Format, Is.EqualTo("i"));
        Assert.That(view.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(view.Strides.ToArray(), Is.EqualTo(new long[] { 8, 4 }));
        Assert.That(view.Suboffsets.ToArray(), Is.EqualTo(new long[] { 0, -1 }));
    }

    [TestCase(BufferFlags.CContiguous, "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.FContiguous, "memoryview: underlying buffer is not Fortran contiguous")]
    [TestCase(BufferFlags.AnyContiguous, "memoryview: underlying buffer is not contiguous")]
    [TestCase(BufferFlags.Simple, "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.ND, "memoryview: underlying buffer is not C-contiguous")]
    public void Answer_EmptyViewWithGaps_RefusesContiguousRequests(BufferFlags flags, string message)
    {
        // memoryview(b'abcd')[::2][0:0]: CPython's MV_CONTIGUOUS_NDIM1 says not contiguous.
        var empty = new ArrayView(Block.At(0), new ViewLayout(1, [0], [2]), "B", true);

        var e = Assert.Throws<BufferException>(() => empty.Answer(new BufferView(), null, flags));

        Assert.That((e!.Kind, e.Message), Is.EqualTo((BufferErrorKind.Buffer, message)));
    }

    [Test]
    public void Answer_EmptyViewWithGapsStrided_Answers()
    {
        var empty = new ArrayView(Block.At(0), new ViewLayout(1, [0], [2]), "B", true);
        var view = new BufferView();

        empty.Answer(view, null, BufferFlags.StridedRO);

        Assert.That((view.Len, view.Shape.ToArray(), view.Strides.ToArray()), Is.EqualTo((0L, new long[] { 0 }, new long[] { 2 })));
    }
}
