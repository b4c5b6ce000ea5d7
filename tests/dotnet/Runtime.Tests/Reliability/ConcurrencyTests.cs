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
    public void DerivedViews_ReleasedFromManyThreads_ReleaseTheExportOnceAfterTheLast()
    {
        for (int round = 0; round < 20; round++)
        {
            using var exporter = new CountingExporter(revokeOnRelease: true);
            BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
            var buffer = new ManagedBuffer(export);
            var view = ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview"));
            var root = new ViewHandle(buffer, view);
            var handles = new ConcurrentBag<ViewHandle>(Enumerable.Range(0, 64).Select(_ => new ViewHandle(buffer, view.Slice(0, 1, 15, 1))));
            root.Release();

            RunThreads(seed =>
            {
                var random = new Random(seed);
                while (handles.TryTake(out ViewHandle? handle))
                {
                    using (ViewHandle.Operation operation = handle.Enter())
                    {
                        Assert.That(operation.View.ToBytes(), Is.EqualTo(exporter.Content.AsSpan(8 * 4, 15 * 8 * 4).ToArray()));
                    }

                    // Finalizer-style and explicit releases, some twice: the registration goes once.
                    if (random.Next(2) == 0)
                    {
                        handle.ReleaseUnreachable();
                    }
                    else
                    {
                        handle.Release();
                    }

                    handle.Release();
                }
            });

            Assert.That((exporter.Releases, exporter.DoubleReleases, buffer.IsReleased, buffer.Views), Is.EqualTo((1, 0, true, 0)));
        }
    }

    [Test]
    public void ExportsAndRelease_RacingOnOneView_EitherReleaseFailsOrTheExportIsRefused()
    {
        for (int round = 0; round < 200; round++)
        {
            using var exporter = new CountingExporter(revokeOnRelease: true);
            BufferView export = BufferView.Acquire(exporter, BufferFlags.FullRO);
            var handle = new ViewHandle(new ManagedBuffer(export), ArrayView.From(ViewVerifier.Verify(export, BufferFlags.FullRO, "memoryview")));
            bool exported = false, released = false;

            RunThreads(seed =>
            {
                if (seed == 0)
                {
                    try
                    {
                        handle.AddExport();
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
                        released = handle.Release();
                    }
                    catch (BufferException e) when (e.Kind == BufferErrorKind.Buffer)
                    {
                    }
                }
            });

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
