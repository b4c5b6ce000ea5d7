using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NUnit.Framework;

namespace NewBuffer.Tests.Protocol;

[TestFixture]
public class BufferAnswerTests
{
    private static readonly ManagedMemoryBlock Block = new(new byte[24]);

    [Test]
    public void FillBytes_Simple_LeavesEverythingOptionalNull()
    {
        var view = new BufferView();
        BufferAnswer.FillBytes(view, "o", Block.At(0), 24, true, BufferFlags.Simple);

        Assert.That((view.Obj, view.Len, view.ItemSize, view.NDim, view.ReadOnly), Is.EqualTo(("o", 24L, 1L, 1, true)));
        Assert.That(view.Format, Is.Null);
        Assert.That(view.HasShape || view.HasStrides || view.HasSuboffsets, Is.False);
    }

    [Test]
    public void FillBytes_FullRO_FillsFormatShapeStrides()
    {
        var view = new BufferView();
        BufferAnswer.FillBytes(view, null, Block.At(0), 24, true, BufferFlags.FullRO);

        Assert.That(view.Format, Is.EqualTo("B"));
        Assert.That(view.Shape.ToArray(), Is.EqualTo(new long[] { 24 }));
        Assert.That(view.Strides.ToArray(), Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void FillBytes_WritableOfReadOnly_ThrowsCPythonsMessage()
    {
        var e = Assert.Throws<BufferException>(() => BufferAnswer.FillBytes(new BufferView(), null, Block.At(0), 24, true, BufferFlags.Writable));
        Assert.That((e!.Kind, e.Message), Is.EqualTo((BufferErrorKind.Buffer, "Object is not writable.")));
    }

    private static readonly ViewLayout Matrix = ViewLayout.Contiguous(4, [2, 3]);
    private static readonly ViewLayout Columns = new(4, [2, 3], [4, 8]);
    private static readonly ViewLayout Pil = new(4, [2, 3], [8, 4], [0, -1]);

    [TestCase(BufferFlags.Writable, "ro", "memoryview: underlying buffer is not writable")]
    [TestCase(BufferFlags.CContiguous, "cols", "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.FContiguous, "matrix", "memoryview: underlying buffer is not Fortran contiguous")]
    [TestCase(BufferFlags.StridedRO, "pil", "memoryview: underlying buffer requires suboffsets")]
    [TestCase(BufferFlags.ND, "cols", "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.Format, "matrix", "memoryview: cannot cast to unsigned bytes if the format flag is present")]
    public void FillFrom_RequestItCannotMeet_ThrowsCPythonsMessage(BufferFlags flags, string which, string message)
    {
        ViewLayout layout = which switch { "cols" => Columns, "pil" => Pil, _ => Matrix };
        var e = Assert.Throws<BufferException>(() =>
            BufferAnswer.FillFrom(new BufferView(), null, Block.At(0), layout, "i", which == "ro", flags, "memoryview"));
        Assert.That((e!.Kind, e.Message), Is.EqualTo((BufferErrorKind.Buffer, message)));
    }

    [Test]
    public void FillFrom_AnyContiguousOfNeither_Throws()
    {
        var gaps = new ViewLayout(4, [2, 3], [24, 8]);
        var e = Assert.Throws<BufferException>(() =>
            BufferAnswer.FillFrom(new BufferView(), null, Block.At(0), gaps, "i", false, BufferFlags.AnyContiguous, "memoryview"));
        Assert.That(e!.Message, Is.EqualTo("memoryview: underlying buffer is not contiguous"));
    }

    [Test]
    public void FillFrom_Simple_AnswersBytesKeepingItemsize()
    {
        var view = new BufferView();
        BufferAnswer.FillFrom(view, null, Block.At(0), Matrix, "i", false, BufferFlags.Simple, "memoryview");

        Assert.That((view.NDim, view.Len, view.ItemSize, view.Format), Is.EqualTo((1, 24L, 4L, (string?)null)));
        Assert.That(view.HasShape || view.HasStrides, Is.False);
    }

    [Test]
    public void FillFrom_FullRO_AnswersEverything()
    {
        var view = new BufferView();
        BufferAnswer.FillFrom(view, null, Block.At(0), Pil, "i", true, BufferFlags.FullRO, "memoryview");

        Assert.That(view.Format, Is.EqualTo("i"));
        Assert.That(view.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(view.Strides.ToArray(), Is.EqualTo(new long[] { 8, 4 }));
        Assert.That(view.Suboffsets.ToArray(), Is.EqualTo(new long[] { 0, -1 }));
    }
}
