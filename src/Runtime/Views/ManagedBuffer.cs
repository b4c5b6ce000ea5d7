// One exporter's answer, shared by every view derived from it (CPython's _PyManagedBufferObject):
// memoryview(obj), its slices, casts and toreadonly() all register here, and the exporter's view
// is released exactly once, when the last of them goes. Registration after that point fails, so a
// derived view can never outlive the export it reads.
using System.Threading;
using NewBuffer.Protocol;

namespace NewBuffer.Views;

/// <summary>An acquired export and the number of views that still use it.</summary>
public sealed class ManagedBuffer
{
    private readonly object _lock = new();
    private int _views;
    private bool _released;

    /// <summary>Wraps an acquired export; it is released when the last registered view is.</summary>
    public ManagedBuffer(BufferView export)
    {
        Export = export;
    }

    /// <summary>The exporter's view, as acquired.</summary>
    public BufferView Export { get; }

    /// <summary>The number of views registered and not yet released.</summary>
    public int Views => Volatile.Read(ref _views);

    /// <summary>True once the export was released.</summary>
    public bool IsReleased
    {
        get
        {
            lock (_lock)
            {
                return _released;
            }
        }
    }

    /// <summary>Registers one more view.</summary>
    /// <exception cref="BufferException">The export was already released (Kind Value).</exception>
    public void AddView()
    {
        lock (_lock)
        {
            if (_released)
            {
                ThrowHelper.ThrowValue("operation forbidden on released memoryview object");
            }

            _views++;
        }
    }

    /// <summary>Unregisters a view; the last one releases the export.</summary>
    public void RemoveView()
    {
        lock (_lock)
        {
            if (_released || --_views > 0)
            {
                return;
            }

            _released = true;
        }

        Export.Release();
    }
}
