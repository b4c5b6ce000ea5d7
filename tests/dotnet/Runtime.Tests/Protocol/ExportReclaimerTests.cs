// The release of last resort of a shared export (ExportReclaimer): exactly one of the exporter's own
// release and its reclaimer runs, whichever way the views go.
using System;
using System.Runtime.CompilerServices;
using System.Threading;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Protocol;

[TestFixture]
public class ExportReclaimerTests
{
    [Test]
    public void DroppedViews_ReclaimedByTheExportersReclaimer_NotReleasedThroughTheView()
    {
        var exporter = new ReclaimableExporter();

        RegisterAndDrop(exporter);
        CollectUntil(() => Volatile.Read(ref exporter.Reclaims) > 0);

        Assert.That((exporter.Reclaims, exporter.Releases), Is.EqualTo((1, 0)));
    }

    [Test]
    public void ReleasedViews_ReleasedOnce_ReclaimerDisarmed()
    {
        var exporter = new ReclaimableExporter();

        RegisterAndRelease(exporter);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.That((exporter.Reclaims, exporter.Releases), Is.EqualTo((0, 1)));
    }

    [Test]
    public void DroppedViews_OfAnyOtherExporter_ReleaseTheWholeView()
    {
        var exporter = new CountingReleases();

        RegisterAndDrop(exporter);
        CollectUntil(() => Volatile.Read(ref exporter.Releases) > 0);

        Assert.That(exporter.Releases, Is.EqualTo(1));
    }

    // Not inlined, so no local of the caller's frame keeps the managed buffer reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterAndDrop(IBufferExporter exporter)
    {
        var buffer = new ManagedBuffer(BufferView.Acquire(exporter, BufferFlags.Simple));
        buffer.AddView();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterAndRelease(IBufferExporter exporter)
    {
        var buffer = new ManagedBuffer(BufferView.Acquire(exporter, BufferFlags.Simple));
        buffer.AddView();
        buffer.RemoveView();
    }

    // A finalizer queued by one collection runs after WaitForPendingFinalizers; a few rounds cover objects a
    // collection found only after the previous round's finalizers ran.
    private static void CollectUntil(Func<bool> done)
    {
        for (int i = 0; i < 10 && !done(); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static void Fill(BufferView view, object obj)
    {
        BufferAnswer.FillBytes(view, obj, new ManagedMemoryBlock(new byte[4]).At(0), 4, false, BufferFlags.Simple);
    }

    private sealed class ReclaimableExporter : IReclaimableExporter
    {
        public int Reclaims;
        public int Releases;

        public void GetBuffer(BufferView view, BufferFlags flags) => Fill(view, this);

        public void ReleaseBuffer(BufferView view) => Interlocked.Increment(ref Releases);

        public ExportReclaimer CreateReclaimer(BufferView view) => new Reclaimer(this);

        private sealed class Reclaimer(ReclaimableExporter owner) : ExportReclaimer
        {
            protected override void Reclaim() => Interlocked.Increment(ref owner.Reclaims);
        }
    }

    private sealed class CountingReleases : IBufferExporter
    {
        public int Releases;

        public void GetBuffer(BufferView view, BufferFlags flags) => Fill(view, this);

        public void ReleaseBuffer(BufferView view) => Interlocked.Increment(ref Releases);
    }
}
