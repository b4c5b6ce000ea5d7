using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NewBuffer.Geometry;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>Several threads getting, reading and releasing views of one exporter: counts stay exact,
/// released views fail cleanly, released memory is never touched (it is PROT_NONE), nothing deadlocks.</summary>
[TestFixture]
public class ConcurrencyTests
{
    private const int Threads = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Test]
    public void AcquireAndRelease_ManyThreadsOneExporter_CountsStayExact()
    {
        using var exporter = new CountingExporter();
        var handoff = new ConcurrentQueue<BufferView>();
        int doubleReleaseAttempts = 0;

        RunThreads(seed =>
        {
            var random = new Random(seed);
            for (int i = 0; i < 2000; i++)
            {
                VerifiedView verified = ViewVerifier.Acquire(exporter, BufferFlags.FullRO, "memoryview", out BufferView export);
                byte[] bytes = ArrayView.From(verified).Slice(0, 1, 8, 2).ToBytes();
                Assert.That(bytes.Length, Is.EqualTo(8 * 8 * 4));

                // Sometimes a view is released by two threads at once: the exporter sees one release.
                if (random.Next(4) == 0)
                {
                    handoff.Enqueue(export);
                }

                export.Release();
                if (handoff.TryDequeue(out BufferView? other))
                {
                    other.Release();
                    Interlocked.Increment(ref doubleReleaseAttempts);
                }
            }
        });

        Assert.That(doubleReleaseAttempts, Is.GreaterThan(0));
        Assert.That((exporter.Gets, exporter.Releases, exporter.DoubleReleases, exporter.Live), Is.EqualTo((Threads * 2000, Threads * 2000, 0, 0)));
    }

    [Test]
    public void Release_WhileOtherThreadsRead_ReadersFinishOrFailCleanly()
    {
        for (int round = 0; round < 40; round++)
        {
            // The memory turns PROT_NONE when the export is released: a read after that would fault.
            using var exporter = new CountingExporter(revokeOnRelease: true);
            BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
            var buffer = new ManagedBuffer(export);
            var view = ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview"));
            var shared = new ViewHandle(buffer, view);
            int reads = 0, refusals = 0;
            int releaseAfter = new Random(round).Next(0, 2000);

            RunThreads(seed =>
            {
                var random = new Random(seed);
                if (seed == 0)
                {
                    Thread.SpinWait(releaseAfter * 10);
                    Assert.That(shared.Release(), Is.True);
                    return;
                }

                while (true)
                {
                    if (!shared.TryEnter(out ViewHandle.Operation operation))
                    {
                        Interlocked.Increment(ref refusals);
                        Assert.That(() => shared.Enter(), Throws.TypeOf<BufferException>().With.Message.EqualTo("operation forbidden on released memoryview object"));
                        break;
                    }

                    using (operation)
                    {
                        Assert.That(operation.View.ToBytes(), Is.EqualTo(exporter.Content));
                        if (random.Next(3) == 0)
                        {
                            DeriveAndRead(buffer, operation.View, exporter.Content);
                        }
                    }

                    Interlocked.Increment(ref reads);
                }
            });

            Assert.That(refusals, Is.EqualTo(Threads - 1));
            Assert.That((exporter.Gets, exporter.Releases, exporter.DoubleReleases), Is.EqualTo((1, 1, 0)), $"round {round}, {reads} reads");
        }
    }

    [Test]
    public void IndependentViews_ReleasedFromManyThreads_ReleaseTheExportOnceAfterTheLast()
    {
        for (int round = 0; round < 20; round++)
        {
            using var exporter = new CountingExporter(revokeOnRelease: true);
            BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
            var buffer = new ManagedBuffer(export);
            var view = ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview"));
            var root = new ViewHandle(buffer, view);

            // Heads of their own, as memoryview(m) makes: each holds the export until it is released.
            var handles = new ConcurrentBag<ViewHandle>(Enumerable.Range(0, 64).Select(_ => new ViewHandle(buffer, view.Slice(0, 1, 15, 1))));
            root.Release();

            RunThreads(seed =>
            {
                while (handles.TryTake(out ViewHandle? handle))
                {
                    using (ViewHandle.Operation operation = handle.Enter())
                    {
                        Assert.That(operation.View.ToBytes(), Is.EqualTo(exporter.Content.AsSpan(8 * 4, 15 * 8 * 4).ToArray()));
                    }

                    // Some released twice: the registration goes once.
                    Assert.That(handle.Release(), Is.True);
                    Assert.That(handle.Release(), Is.False);
                }
            });

            Assert.That((exporter.Releases, exporter.DoubleReleases, buffer.IsReleased, buffer.Views), Is.EqualTo((1, 0, true, 0)));
        }
    }

    [Test]
    public void HeadRelease_RacingMemberOperationsExportsAndDerivations_ReleasesTheExportOnceAfterTheLast()
    {
        for (int round = 0; round < 200; round++)
        {
            // The memory turns PROT_NONE when the export is released: a member read after that would fault.
            using var exporter = new CountingExporter(revokeOnRelease: true);
            BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
            var buffer = new ManagedBuffer(export);
            var head = new ViewHandle(buffer, ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview")));
            ViewHandle rows = head.Derive(head.View.Slice(0, 1, 15, 1));
            ViewHandle[] members = [rows, rows.Derive(rows.View.Slice(1, 0, 4, 2)), head.Derive(head.View.AsReadOnly())];

            // Read while the head holds the memory; ToBytes itself is tested against the reference walker elsewhere.
            byte[][] expectedBytes = members.Select(m => m.View.ToBytes()).ToArray();
            int releaseAfter = new Random(round).Next(0, 400);
            int exportsPastRelease = 0;

            RunThreads(seed =>
            {
                var random = new Random(seed * 7919 + round);
                if (seed == 0)
                {
                    Thread.SpinWait(releaseAfter * 10);
                    Assert.That(head.Release(), Is.True);
                    return;
                }

                while (true)
                {
                    int which = random.Next(members.Length);
                    ViewHandle member = members[which];
                    byte[] expected = expectedBytes[which];
                    switch (random.Next(3))
                    {
                        case 0:
                            if (!member.TryEnter(out ViewHandle.Operation operation))
                            {
                                return;
                            }

                            using (operation)
                            {
                                Assert.That(operation.View.ToBytes(), Is.EqualTo(expected));
                            }

                            break;
                        case 1:
                            try
                            {
                                member.AddExport();
                            }
                            catch (BufferException e) when (e.Kind == BufferErrorKind.Value)
                            {
                                return;
                            }

                            // A consumer holding the member's buffer reads it, perhaps after the head's release.
                            Thread.SpinWait(random.Next(200));
                            bool afterRelease = head.IsReleased;
                            Assert.That(member.View.ToBytes(), Is.EqualTo(expected));
                            if (afterRelease)
                            {
                                Interlocked.Increment(ref exportsPastRelease);
                            }

                            member.RemoveExport();
                            break;
                        default:
                            ViewHandle derived;
                            try
                            {
                                derived = member.Derive(member.View.Slice(0, 0, 2, 1));
                            }
                            catch (BufferException e) when (e.Kind == BufferErrorKind.Value)
                            {
                                return;
                            }

                            if (derived.TryEnter(out ViewHandle.Operation inner))
                            {
                                using (inner)
                                {
                                    Assert.That(inner.View.ToBytes(), Is.EqualTo(FirstRows(expected, member, 2)));
                                }
                            }

                            derived.Release();
                            break;
                    }
                }
            });

            Assert.That((exporter.Gets, exporter.Releases, exporter.DoubleReleases, buffer.IsReleased, buffer.Views), Is.EqualTo((1, 1, 0, true, 0)), $"round {round}, {exportsPastRelease} exports read after the head's release");
            Assert.That(members.All(m => m.IsReleased), Is.True);
        }
    }

    [Test]
    public void ExportAndRelease_RacingOnOneMember_ExactlyOneWinsAndTheHeadReleasesOnce()
    {
        for (int round = 0; round < 200; round++)
        {
            using var exporter = new CountingExporter(revokeOnRelease: true);
            ViewHandle head = Head(exporter);
            ViewHandle member = head.Derive(head.View.Slice(0, 2, 4, 1));
            byte[] expected = exporter.Content.AsSpan(2 * 8 * 4, 4 * 8 * 4).ToArray();
            (bool exported, bool released) = RaceExportAndRelease(member);

            Assert.That(exported ^ released, Is.True, "exactly one of the member's export and release wins");
            Assert.That(head.Release(), Is.True, "a member's exports never refuse the head's release");
            if (exported)
            {
                Assert.That(exporter.Releases, Is.EqualTo(0), "the member's export keeps the memory");
                Assert.That(member.View.ToBytes(), Is.EqualTo(expected));
                member.RemoveExport();
            }

            Assert.That((exporter.Releases, exporter.DoubleReleases), Is.EqualTo((1, 0)));
        }
    }

    [Test]
    public void ExportsAndRelease_RacingOnOneView_EitherReleaseFailsOrTheExportIsRefused()
    {
        for (int round = 0; round < 200; round++)
        {
            using var exporter = new CountingExporter(revokeOnRelease: true);
            ViewHandle handle = Head(exporter);
            (bool exported, bool released) = RaceExportAndRelease(handle);

            Assert.That(exported ^ released, Is.True, "exactly one of export and release wins");
            if (exported)
            {
                Assert.That(exporter.Releases, Is.EqualTo(0), "an exported view keeps its memory");
                handle.RemoveExport();
                Assert.That(handle.Release(), Is.True);
            }

            Assert.That(exporter.Releases, Is.EqualTo(1));
        }
    }

    /// <summary>A view of the exporter's answer, verified, registered on a managed buffer of its own.</summary>
    private static ViewHandle Head(CountingExporter exporter)
    {
        BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
        return new ViewHandle(new ManagedBuffer(export), ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview")));
    }

    /// <summary>One thread exports from <paramref name="view"/> while another releases it: which of them won.</summary>
    private static (bool Exported, bool Released) RaceExportAndRelease(ViewHandle view)
    {
        bool exported = false, released = false;
        RunThreads(seed =>
        {
            if (seed == 0)
            {
                try
                {
                    view.AddExport();
                    exported = true;
                }
                catch (BufferException e) when (e.Kind == BufferErrorKind.Value)
                {
                }
            }
            else if (seed == 1)
            {
                try
                {
                    released = view.Release();
                }
                catch (BufferException e) when (e.Kind == BufferErrorKind.Buffer)
                {
                }
            }
        });

        return (exported, released);
    }

    /// <summary>The first <paramref name="rows"/> rows of a 2-D view's bytes.</summary>
    private static byte[] FirstRows(byte[] bytes, ViewHandle handle, long rows) =>
        bytes.AsSpan(0, (int)(bytes.Length / handle.View.Layout.Shape[0] * rows)).ToArray();

    private static void DeriveAndRead(ManagedBuffer buffer, ArrayView view, byte[] content)
    {
        ViewHandle derived;
        try
        {
            derived = new ViewHandle(buffer, view.Slice(1, 0, 4, 2));
        }
        catch (BufferException e) when (e.Kind == BufferErrorKind.Value)
        {
            return; // the export went after our operation began: registration refused, cleanly
        }

        using (ViewHandle.Operation operation = derived.Enter())
        {
            Assert.That(operation.View.Layout.Shape.ToArray(), Is.EqualTo(new long[] { 16, 4 }));
            Assert.That(operation.View.ToBytes().Take(4), Is.EqualTo(content.Take(4)));
        }

        derived.Release();
    }

    /// <summary>Runs <see cref="Threads"/> threads (seeds 0..n-1) to the end; fails on any exception or a deadline passed.</summary>
    private static void RunThreads(Action<int> body)
    {
        using var start = new Barrier(Threads);
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(seed => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                body(seed);
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        DateTime deadline = DateTime.UtcNow + Deadline;
        foreach (Thread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            Assert.That(thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), Is.True, "a thread did not finish: deadlock?");
        }

        Assert.That(errors, Is.Empty, string.Join("\n", errors.Select(e => e.ToString())));
    }
}
