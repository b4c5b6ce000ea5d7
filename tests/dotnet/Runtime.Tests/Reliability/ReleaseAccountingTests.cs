using System;
using System.Collections.Generic;
using System.Linq;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>Random sequences of gets, derived views, exports, releases (explicit, repeated, finalizer-style)
/// and exporter failures (halfway through a get, inside a release): every exporter ends with as many
/// releases as gets, and no view is released twice.</summary>
[TestFixture]
public class ReleaseAccountingTests
{
    [Test]
    public void RandomSequences_FixedSeeds_EveryGetReleasedOnce()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            RunSequence(seed);
        }
    }

    private static void RunSequence(int seed)
    {
        var random = new Random(seed);
        var exporters = Enumerable.Range(0, 3).Select(_ => new CountingExporter()).ToList();
        foreach (CountingExporter exporter in exporters)
        {
            int failGets = random.Next(4), failReleases = random.Next(4);
            exporter.FailGet = () => random.Next(8) < failGets;
            exporter.FailRelease = () => random.Next(8) < failReleases;
        }

        var raw = new List<BufferView>();
        var handles = new List<ViewHandle>();
        var exported = new List<ViewHandle>();
        try
        {
            for (int step = 0; step < 60; step++)
            {
                CountingExporter exporter = exporters[random.Next(exporters.Count)];
                switch (random.Next(8))
                {
                    case 0:
                        Guard(() => raw.Add(BufferView.Acquire(exporter, BufferFlags.FullRO)));
                        break;
                    case 1:
                        // A consumer whose request the answer does not meet: released at once by Acquire.
                        Guard(() => ViewVerifier.Acquire(exporter, BufferFlags.FContiguous, "memoryview", out _));
                        break;
                    case 2:
                        Guard(() =>
                        {
                            VerifiedView verified = ViewVerifier.Acquire(exporter, BufferFlags.FullRO, "memoryview", out BufferView export);
                            handles.Add(new ViewHandle(new ManagedBuffer(export), ArrayView.From(verified)));
                        });
                        break;
                    case 3 when handles.Count > 0:
                    {
                        ViewHandle parent = handles[random.Next(handles.Count)];
                        Guard(() => handles.Add(new ViewHandle(parent.Buffer, parent.View.Slice(0, 1, 3, 2))));
                        break;
                    }

                    case 4 when handles.Count > 0:
                    {
                        ViewHandle handle = handles[random.Next(handles.Count)];
                        Guard(() =>
                        {
                            handle.AddExport();
                            exported.Add(handle);
                        });
                        break;
                    }

                    case 5 when exported.Count > 0:
                    {
                        int i = random.Next(exported.Count);
                        exported[i].RemoveExport();
                        exported.RemoveAt(i);
                        break;
                    }

                    case 6 when handles.Count > 0:
                    {
                        ViewHandle handle = handles[random.Next(handles.Count)];
                        Guard(() => handle.Release());
                        if (random.Next(3) == 0)
                        {
                            Guard(handle.ReleaseUnreachable); // a finalizer after or instead of release
                        }

                        break;
                    }

                    case 7 when raw.Count > 0:
                    {
                        BufferView view = raw[random.Next(raw.Count)];
                        Guard(view.Release); // possibly again: only the first reaches the exporter
                        break;
                    }
                }
            }

            // The program ends: whatever is left is dropped and finalized.
            foreach (ViewHandle handle in handles)
            {
                Guard(handle.ReleaseUnreachable);
            }

            foreach (BufferView view in raw)
            {
                Guard(view.Release);
            }

            foreach (CountingExporter exporter in exporters)
            {
                Assert.That((exporter.Releases, exporter.DoubleReleases, exporter.Live), Is.EqualTo((exporter.Gets, 0, 0)), $"seed {seed}");
            }
        }
        finally
        {
            exporters.ForEach(e => e.Dispose());
        }
    }

    /// <summary>Runs a step; the failures exporters inject, and refusals by design, are expected.</summary>
    private static void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (BufferException)
        {
        }
        catch (InvalidOperationException e) when (e.Message == "release callback failed")
        {
        }
    }
}
