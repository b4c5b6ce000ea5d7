using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Views;

[TestFixture]
public class ViewHandleTests
{
    private static (ViewHandle Handle, TestExporter Exporter) Make()
    {
        var block = new ManagedMemoryBlock(new byte[8]);
        var exporter = new TestExporter((view, flags) => BufferAnswer.FillBytes(view, null, block.At(0), 8, false, flags));
        var buffer = new ManagedBuffer(BufferView.Acquire(exporter, BufferFlags.FullRO));
        return (new ViewHandle(buffer, new ArrayView(block.At(0), ViewLayout.Contiguous(1, [8]), "B", false)), exporter);
    }

    [Test]
    public void Enter_AfterRelease_FailsWithCPythonsValueError()
    {
        (ViewHandle handle, _) = Make();
        handle.Release();

        var error = Assert.Throws<BufferException>(() => handle.Enter());

        Assert.That((error!.Kind, error.Message), Is.EqualTo((BufferErrorKind.Value, "operation forbidden on released memoryview object")));
        Assert.That(handle.TryEnter(out _), Is.False);
    }

    [Test]
    public void ThrowIfReleased_ReleasedDuringTheOperation_ValueErrorButMemoryKept()
    {
        (ViewHandle handle, TestExporter exporter) = Make();
        ViewHandle.Operation operation = handle.Enter();
        Assert.DoesNotThrow(operation.ThrowIfReleased);

        handle.Release();

        var error = Assert.Throws<BufferException>(operation.ThrowIfReleased);
        Assert.That(error!.Message, Is.EqualTo("operation forbidden on released memoryview object"));
        Assert.That(exporter.Releases, Is.EqualTo(0), "the export outlives the operation that is still inside");
        operation.Dispose();
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void Release_WithExports_FailsAndKeepsTheView()
    {
        (ViewHandle handle, TestExporter exporter) = Make();
        handle.AddExport();
        handle.AddExport();

        var error = Assert.Throws<BufferException>(() => handle.Release());

        Assert.That((error!.Kind, error.Message), Is.EqualTo((BufferErrorKind.Buffer, "memoryview has 2 exported buffers")));
        Assert.That((handle.IsReleased, exporter.Releases), Is.EqualTo((false, 0)));
        handle.RemoveExport();
        handle.RemoveExport();
        Assert.That(handle.Release(), Is.True);
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void Release_DuringAnOperation_ReleasesTheExportWhenTheOperationEnds()
    {
        (ViewHandle handle, TestExporter exporter) = Make();
        ViewHandle.Operation operation = handle.Enter();

        Assert.That(handle.Release(), Is.True);
        Assert.That((handle.IsReleased, exporter.Releases), Is.EqualTo((true, 0)), "the memory stays while the operation runs");
        operation.Dispose();

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void Release_Twice_ReleasesOnce()
    {
        (ViewHandle handle, TestExporter exporter) = Make();

        Assert.That((handle.Release(), handle.Release()), Is.EqualTo((true, false)));
        handle.ReleaseUnreachable();

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void ReleaseUnreachable_WithExports_ReleasesAnyway()
    {
        (ViewHandle handle, TestExporter exporter) = Make();
        handle.AddExport();

        handle.ReleaseUnreachable();

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void AddExport_AfterRelease_Fails()
    {
        (ViewHandle handle, _) = Make();
        handle.Release();

        Assert.That(() => handle.AddExport(), Throws.TypeOf<BufferException>().With.Property(nameof(BufferException.Kind)).EqualTo(BufferErrorKind.Value));
    }

    [Test]
    public void Constructor_OnAReleasedBuffer_Fails()
    {
        (ViewHandle handle, _) = Make();
        handle.Release();

        Assert.That(() => new ViewHandle(handle.Buffer, handle.View), Throws.TypeOf<BufferException>());
    }

    [Test]
    public void Release_OfOneOfTwoViews_KeepsTheExportForTheOther()
    {
        (ViewHandle first, TestExporter exporter) = Make();
        var second = new ViewHandle(first.Buffer, first.View);

        first.Release();
        Assert.That(exporter.Releases, Is.EqualTo(0));
        second.Release();

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }
}
