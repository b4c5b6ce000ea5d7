// A thread-safe exporter for the accounting and concurrency tests: it answers every request with
// one 2-D view of guarded memory, counts gets and releases with Interlocked, notices a view released
// twice, and can misbehave on demand (throw halfway through a get, throw from a release). With
// RevokeOnRelease the memory becomes inaccessible (PROT_NONE) the moment a view is released, as if
// the exporter freed it: anything that reads through a released export then faults.
using System;
using System.Collections.Concurrent;
using System.Threading;
using NewBuffer.Geometry;
using NewBuffer.Protocol;

namespace NewBuffer.Tests.Support;

internal sealed class CountingExporter : IBufferExporter, IDisposable
{
    public static readonly long[] Shape = [16, 8];

    private readonly ConcurrentDictionary<BufferView, byte> _live = new();
    private readonly GuardedMemory _memory;
    private int _gets;
    private int _releases;
    private int _doubleReleases;

    public CountingExporter(bool revokeOnRelease = false)
    {
        Content = new byte[Shape[0] * Shape[1] * 4];
        for (int i = 0; i < Content.Length; i++)
        {
            Content[i] = (byte)(i * 7);
        }

        _memory = GuardedMemory.Allocate(Content, GuardedMemory.Align.End);
        RevokeOnRelease = revokeOnRelease;
    }

    public byte[] Content { get; }

    public bool RevokeOnRelease { get; }

    /// <summary>Asked before each get: true makes the get fill half the view, then throw.</summary>
    public Func<bool>? FailGet { get; set; }

    /// <summary>Asked after each release is counted: true makes the release throw.</summary>
    public Func<bool>? FailRelease { get; set; }

    public int Gets => Volatile.Read(ref _gets);

    public int Releases => Volatile.Read(ref _releases);

    public int DoubleReleases => Volatile.Read(ref _doubleReleases);

    public int Live => _live.Count;

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        if (FailGet?.Invoke() == true)
        {
            view.Obj = this;
            view.Len = Content.Length;
            throw new BufferException(BufferErrorKind.Buffer, "exporter failed halfway");
        }

        BufferAnswer.FillFrom(view, this, _memory.Block.At(0), ViewLayout.Contiguous(4, Shape), "i", false, flags, "exporter");
        Interlocked.Increment(ref _gets);
        _live.TryAdd(view, 0);
    }

    public void ReleaseBuffer(BufferView view)
    {
        Interlocked.Increment(ref _releases);
        if (!_live.TryRemove(view, out _))
        {
            Interlocked.Increment(ref _doubleReleases);
        }

        if (RevokeOnRelease)
        {
            _memory.Revoke();
        }

        if (FailRelease?.Invoke() == true)
        {
            throw new InvalidOperationException("release callback failed");
        }
    }

    public void Dispose() => _memory.Dispose();
}
