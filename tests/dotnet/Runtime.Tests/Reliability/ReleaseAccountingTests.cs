using System;
using System.Collections.Generic;
using System.Linq;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>Random sequences of gets, derived views (members and views of their own), exports, releases
/// (explicit, repeated) and exporter failures (halfway through a get, inside a release): every exporter
/// ends with as many releases as gets once the consumers released what they hold, no view is released
/// twice, and a head's release with no export of its members out releases the export at once.</summary>
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
        var buffers = new Dictionary<ViewHandle, ManagedBuffer>();
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
                            var head = new ViewHandle(new ManagedBuffer(export), ArrayView.From(verified));
                            handles.Add(head);
                            buffers[head] = head.Buffer;
                        });
                        break;
                    case 3 when handles.Count > 0:
                    {
                        // A slice (a member of the parent's head) or memoryview(m) (a head of its own).
                        ViewHandle parent = handles[random.Next(handles.Count)];
                        Guard(() =>
                        {
                            ViewHandle derived = random.Next(2) == 0
                                ? parent.Derive(parent.View.Slice(0, 1, 3, 2))
                                : new ViewHandle(parent.Buffer, parent.View.Slice(0, 1, 3, 2));
                            handles.Add(derived);
                            buffers[derived] = buffers[parent];
                        });
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
                        ViewHandle handle = exported[i];
                        exported.RemoveAt(i);
                        Guard(handle.RemoveExport); // a member's last export out after its head's release releases the export
                        break;
                    }

                    case 6 when handles.Count > 0:
                    {
                        ViewHandle handle = handles[random.Next(handles.Count)];
                        Guard(() => handle.Release());
                        if (random.Next(3) == 0)
                        {
                            Guard(() => handle.Release()); // again: a no-op
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

                // Deterministic release: an export is held exactly while an unreleased head or an export
                // from one of its members is.
                foreach (ManagedBuffer buffer in buffers.Values.Distinct())
                {
                    bool held = handles.Any(h => !h.IsMember && !h.IsReleased && buffers[h] == buffer)
                        || exported.Any(h => h.IsMember && buffers[h] == buffer);
                    Assert.That(buffer.IsReleased, Is.EqualTo(!held), $"seed {seed}, step {step}");
                }
            }

            // The program ends: consumers give back what they hold, then every view is released.
            exported.ForEach(e => Guard(e.RemoveExport));
            foreach (ViewHandle handle in handles)
            {
                Guard(() => handle.Release());
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
