using System;
using System.Threading.Tasks;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NUnit.Framework;

namespace NewBuffer.Tests.Protocol;

[TestFixture]
public class BufferViewTests
{
    [Test]
    public void Create_CopiesTheCallersArrays()
    {
        long[] shape = [2, 3], strides = [3, 1], suboffsets = [-1, -1];
        var view = BufferView.Create(null, default, 6, 1, false, 2, "B", shape, strides, suboffsets);
        shape[0] = strides[0] = suboffsets[0] = 99;

        Assert.That(view.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(view.Strides.ToArray(), Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(view.Suboffsets.ToArray(), Is.EqualTo(new long[] { -1, -1 }));
    }

    [Test]
    public void Constructor_WithNDim_AllocatesShapeAndStrides()
    {
        var view = new BufferView(3);
        Assert.That(view.NDim, Is.EqualTo(3));
        Assert.That(view.HasShape && view.HasStrides && !view.HasSuboffsets, Is.True);
        Assert.That(view.Shape.Length, Is.EqualTo(3));
    }

    [Test]
    public void SetShape_Null_MeansNull()
    {
        var view = new BufferView(1);
        view.SetShape(null);
        Assert.That(view.HasShape, Is.False);
        Assert.That(view.Shape.IsEmpty, Is.True);
    }

    [Test]
    public void Release_CalledTwice_ReleasesOnceAndClearsObj()
    {
        var exporter = new TestExporter((v, f) => BufferAnswer.FillBytes(v, null, new ManagedMemoryBlock(new byte[4]).At(0), 4, false, f));
        BufferView view = BufferView.Acquire(exporter, BufferFlags.Simple);

        view.Release();
        view.Release();

        Assert.That(exporter.Releases, Is.EqualTo(1));
        Assert.That(view.Obj, Is.Null);
        Assert.That(view.IsReleased, Is.True);
    }

    [Test]
    public void Release_FromManyThreads_ReleasesOnce()
    {
        var exporter = new TestExporter((v, f) => BufferAnswer.FillBytes(v, null, new ManagedMemoryBlock(new byte[4]).At(0), 4, false, f));
        for (int round = 0; round < 50; round++)
        {
            BufferView view = BufferView.Acquire(exporter, BufferFlags.Simple);
            Parallel.For(0, 8, _ => view.Release());
        }

        Assert.That(exporter.Releases, Is.EqualTo(50));
    }

    [Test]
    public void Acquire_ExporterThrows_NothingToRelease()
    {
        var exporter = new TestExporter((v, f) => throw new BufferException(BufferErrorKind.Buffer, "no"));

        Assert.Throws<BufferException>(() => BufferView.Acquire(exporter, BufferFlags.Simple));

        Assert.That(exporter.Releases, Is.Zero);
    }

    [Test]
    public void Release_ViewBuiltByHand_CallsNobody()
    {
        var view = BufferView.Create("owner", default, 0, 1, true, 1, null, null, null, null);
        view.Release();
        Assert.That(view.Obj, Is.Null);
    }
}
