// One exporter's answer, shared by every view derived from it (CPython's _PyManagedBufferObject):
// the head views (memoryview(obj), memoryview(m)) register here, and their slices, casts and
// toreadonly() are covered by their head's registration (ViewHandle); the exporter's view is
// released exactly once, when the last registration goes. Registration after that point fails, so a
// view can never outlive the export it reads. The count is one int changed by compare-and-swap (no
// lock): Released once the last view went, and never counted again after that.
//
// Views dropped without a release never unregister; instead one finalizable object per export, the
// export's ExportReclaimer, held by the managed buffer alone (which heads hold, members through their
// head), becomes unreachable with every view and releases the export. Views then need no finalizer
// of their own, so a derived view (a cast, a slice) costs no finalization at all, as in CPython,
// where they are plain reference-counted objects.
using System.Threading;
using NewBuffer.Protocol;

namespace NewBuffer.Views;

/// <summary>An acquired export and the number of views that still use it.</summary>
public sealed class ManagedBuffer
{
    private const int Released = -1;

    private readonly ExportReclaimer _reclaimer;
    private int _views;

    /// <summary>Wraps an acquired export; it is released when the last registered view is.</summary>
    public ManagedBuffer(BufferView export)
    {
        Export = export;
        _reclaimer = ExportReclaimer.For(export);
    }

    /// <summary>The exporter's view, as acquired.</summary>
    public BufferView Export { get; }

    /// <summary>The number of views registered and not yet released.</summary>
    public int Views => System.Math.Max(Volatile.Read(ref _views), 0);

    /// <summary>True once the export was released.</summary>
    public bool IsReleased => Volatile.Read(ref _views) == Released;

    /// <summary>Registers one more view.</summary>
    /// <exception cref="BufferException">The export was already released (Kind Value).</exception>
    public void AddView()
    {
        int views = Volatile.Read(ref _views);
        while (true)
        {
            if (views == Released)
            {
                ThrowHelper.ThrowValue("operation forbidden on released memoryview object");
            }

            int seen = Interlocked.CompareExchange(ref _views, views + 1, views);
            if (seen == views)
            {
                return;
            }

            views = seen;
        }
    }

    /// <summary>Unregisters a view; the last one releases the export.</summary>
    public void RemoveView()
    {
        int views = Volatile.Read(ref _views);
        while (views > 0)
        {
            int next = views == 1 ? Released : views - 1;
            int seen = Interlocked.CompareExchange(ref _views, next, views);
            if (seen == views)
            {
                if (next == Released)
                {
                    _reclaimer.Disarm();
                    Export.Release();
                }

                return;
            }

            views = seen;
        }
    }
}
