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

    [Test]
    public void Release_OfTheHead_ReleasesItsMembersTransitivelyAndTheExport()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle slice = head.Derive(head.View.Slice(0, 1, 6, 1));
        ViewHandle cast = slice.Derive(slice.View.AsReadOnly());
        Assert.That((slice.IsMember, cast.IsMember, head.IsMember, head.Buffer.Views), Is.EqualTo((true, true, false, 1)), "members register nothing");

        Assert.That(head.Release(), Is.True);

        Assert.That((exporter.Releases, slice.IsReleased, cast.IsReleased), Is.EqualTo((1, true, true)));
        foreach (ViewHandle member in new[] { slice, cast })
        {
            var error = Assert.Throws<BufferException>(() => member.Enter());
            Assert.That((error!.Kind, error.Message), Is.EqualTo((BufferErrorKind.Value, "operation forbidden on released memoryview object")));
            Assert.That(() => member.Derive(member.View), Throws.TypeOf<BufferException>().With.Message.EqualTo("operation forbidden on released memoryview object"));
            Assert.That(() => member.AddExport(), Throws.TypeOf<BufferException>().With.Property(nameof(BufferException.Kind)).EqualTo(BufferErrorKind.Value));
            Assert.That(member.Release(), Is.False, "already released with its head");
        }

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void Release_OfAMember_LeavesItsHeadAndTheOtherMembersUsable()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle first = head.Derive(head.View);
        ViewHandle second = first.Derive(first.View.Slice(0, 2, 4, 1));

        Assert.That((first.Release(), first.Release()), Is.EqualTo((true, false)));

        Assert.That((first.IsReleased, second.IsReleased, head.IsReleased, exporter.Releases), Is.EqualTo((true, false, false, 0)));
        Assert.That(() => first.Enter(), Throws.TypeOf<BufferException>());
        using (second.Enter())
        {
        }

        Assert.That(head.Release(), Is.True);
        Assert.That((second.IsReleased, exporter.Releases), Is.EqualTo((true, 1)));
    }

    [Test]
    public void MemberOperation_InProgress_KeepsTheMemoryUntilItEnds()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle member = head.Derive(head.View.Slice(0, 1, 6, 1));
        ViewHandle.Operation operation = member.Enter();

        Assert.That(head.Release(), Is.True);

        Assert.That((operation.IsReleased, exporter.Releases), Is.EqualTo((true, 0)), "the head's registration outlives the member's operation");
        Assert.That(() => operation.ThrowIfReleased(), Throws.TypeOf<BufferException>());
        operation.Dispose();
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void MemberExport_KeepsTheRegistrationAfterTheHeadsRelease()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle member = head.Derive(head.View.Slice(0, 1, 6, 1));
        member.AddExport();

        Assert.That(head.Release(), Is.True, "the head refuses only for its own exports, as CPython's release() does");

        Assert.That((member.IsReleased, member.Release(), exporter.Releases), Is.EqualTo((true, false, 0)));
        member.RemoveExport();
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void MemberRelease_WithItsOwnExports_FailsWithCPythonsBufferError()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle member = head.Derive(head.View);
        member.AddExport();

        var error = Assert.Throws<BufferException>(() => member.Release());

        Assert.That((error!.Kind, error.Message), Is.EqualTo((BufferErrorKind.Buffer, "memoryview has 1 exported buffer")));
        member.RemoveExport();
        Assert.That(member.Release(), Is.True);
        Assert.That(() => member.AddExport(), Throws.TypeOf<BufferException>().With.Property(nameof(BufferException.Kind)).EqualTo(BufferErrorKind.Value));

        // The refused export left the head's count: the head's release releases the export at once.
        Assert.That((head.Release(), exporter.Releases), Is.EqualTo((true, 1)));
    }

    [Test]
    public void OperationDerive_TheHeadReleasedDuringTheOperation_RegistersOnItsOwn()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        ViewHandle member = head.Derive(head.View);
        ViewHandle derived;
        using (ViewHandle.Operation operation = member.Enter())
        {
            head.Release(); // as an __index__ converting a slice's bounds may
            derived = operation.Derive(operation.View.Slice(0, 0, 4, 1));
        }

        Assert.That((derived.IsMember, derived.IsReleased, exporter.Releases), Is.EqualTo((false, false, 0)), "CPython's slice outlives this release");
        Assert.That(derived.Release(), Is.True);
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    [Test]
    public void Derive_FromAReleasedView_Fails()
    {
        (ViewHandle head, TestExporter exporter) = Make();
        head.Release();

        Assert.That(() => head.Derive(head.View), Throws.TypeOf<BufferException>().With.Message.EqualTo("operation forbidden on released memoryview object"));
        Assert.That(exporter.Releases, Is.EqualTo(1));
    }
}
