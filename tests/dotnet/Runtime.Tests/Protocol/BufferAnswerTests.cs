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
}
