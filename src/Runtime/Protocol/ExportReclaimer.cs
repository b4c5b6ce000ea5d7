// The release of last resort for an export every view dropped without a release: the one finalizable
// object per shared export (ManagedBuffer holds it, nothing else does, so it becomes unreachable with
// the views). A finalizable object keeps everything it references alive through one more collection,
// so the smaller its graph the cheaper a dropped view: an exporter that can give its export back with
// less than the whole view (IronPython's own buffer behind a NativeExporter) makes its own reclaimer.
using System;

namespace NewBuffer.Protocol;

/// <summary>Releases an export from the finalizer thread when nothing can reach its views any more.</summary>
public abstract class ExportReclaimer
{
    /// <summary>Gives the export back (called at most once, on the finalizer thread, never after <see cref="Disarm"/>).</summary>
    protected abstract void Reclaim();

    /// <summary>Called when the export was released normally: the finalizer has nothing left to do.</summary>
    /// <remarks>The finalizer is the release of last resort, not a Dispose pattern (CA1816 assumes one).</remarks>
#pragma warning disable CA1816
    public void Disarm() => GC.SuppressFinalize(this);
#pragma warning restore CA1816

    /// <summary>Releases the export of views all dropped unreleased.</summary>
    ~ExportReclaimer()
    {
        try
        {
            Reclaim();
        }
        catch (Exception)
        {
            // A finalizer must never throw; the exporter's own release reports its errors.
        }
    }

    /// <summary>The reclaimer of <paramref name="export"/>: its exporter's own when it makes one, else one releasing the whole view.</summary>
    internal static ExportReclaimer For(BufferView export) =>
        export.Exporter is IReclaimableExporter exporter ? exporter.CreateReclaimer(export) : new ViewReclaimer(export);

    private sealed class ViewReclaimer(BufferView export) : ExportReclaimer
    {
        protected override void Reclaim() => export.Release();
    }
}

/// <summary>An exporter that gives an export back, when all its views were dropped, with less than the whole view.</summary>
public interface IReclaimableExporter : IBufferExporter
{
    /// <summary>A reclaimer for <paramref name="view"/>, which this exporter filled: it must release what
    /// <see cref="IBufferExporter.ReleaseBuffer"/> would, referencing as little as it can.</summary>
    ExportReclaimer CreateReclaimer(BufferView view);
}
