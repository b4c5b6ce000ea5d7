// Helpers for an exporter to answer a request honestly. FillBytes is CPython's PyBuffer_FillInfo
// (a plain run of bytes); FillFrom is the logic of CPython's memory_getbuf (Objects/memoryobject.c):
// start from the complete description and drop what the request did not ask for, refusing what it
// cannot do without. Contiguity is the view's ViewFlags (init_flags), the same answer cast and
// c_contiguous give. Callers pass their own name for the messages ("memoryview", "ndarray", ...).
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Protocol;

/// <summary>Fills a <see cref="BufferView"/> so that it answers a request exactly.</summary>
public static class BufferAnswer
{
    /// <summary>Answers with <paramref name="len"/> contiguous unsigned bytes (<c>PyBuffer_FillInfo</c>).</summary>
    /// <exception cref="BufferException">A writable view was asked of read-only memory (Kind Buffer).</exception>
    public static void FillBytes(BufferView view, object? obj, BufferPointer buf, long len, bool readOnly, BufferFlags flags)
    {
        System.ArgumentNullException.ThrowIfNull(view);
        if (flags.WantsWritable() && readOnly)
        {
            ThrowHelper.ThrowBuffer("Object is not writable.");
        }

        view.Obj = obj;
        view.Buf = buf;
        view.Len = len;
        view.ReadOnly = readOnly;
        view.ItemSize = 1;
        view.Format = flags.WantsFormat() ? "B" : null;
        view.NDim = 1;
        view.SetShape(flags.WantsShape() ? [len] : null);
        view.SetStrides(flags.WantsStrides() ? [1] : null);
        view.SetSuboffsets(null);
        view.Internal = null;
    }

    /// <summary>Answers from a complete description of the exported memory, as CPython's memoryview does.</summary>
    /// <param name="view">The view to fill.</param>
    /// <param name="obj">The exporting object.</param>
    /// <param name="buf">Where the view starts.</param>
    /// <param name="layout">The complete geometry.</param>
    /// <param name="format">The struct format of one item.</param>
    /// <param name="readOnly">Whether the memory may be written.</param>
    /// <param name="flags">The request.</param>
    /// <param name="who">The exporter's name in messages, e.g. <c>"memoryview"</c>.</param>
    /// <exception cref="BufferException">The request cannot be met (Kind Buffer, CPython's message).</exception>
    public static void FillFrom(BufferView view, object? obj, BufferPointer buf, ViewLayout layout, string format, bool readOnly, BufferFlags flags, string who) =>
        FillFrom(view, obj, buf, layout, ViewFlags.Of(layout), format, readOnly, flags, who);

    /// <summary>Answers as <see cref="FillFrom(BufferView, object?, BufferPointer, ViewLayout, string, bool, BufferFlags, string)"/>
    /// does, with the view's flags already decided (<see cref="Views.ArrayView.Flags"/>).</summary>
    /// <param name="view">The view to fill.</param>
    /// <param name="obj">The exporting object.</param>
    /// <param name="buf">Where the view starts.</param>
    /// <param name="layout">The complete geometry.</param>
    /// <param name="contiguity">The view's flags, <c>ViewFlags.Of(layout)</c>.</param>
    /// <param name="format">The struct format of one item.</param>
    /// <param name="readOnly">Whether the memory may be written.</param>
    /// <param name="flags">The request.</param>
    /// <param name="who">The exporter's name in messages, e.g. <c>"memoryview"</c>.</param>
    /// <exception cref="BufferException">The request cannot be met (Kind Buffer, CPython's message).</exception>
    public static void FillFrom(BufferView view, object? obj, BufferPointer buf, ViewLayout layout, ViewFlags contiguity, string format, bool readOnly, BufferFlags flags, string who)
    {
        System.ArgumentNullException.ThrowIfNull(view);
        System.ArgumentNullException.ThrowIfNull(layout);
        bool isC = contiguity.IsCContiguous;
        bool isF = contiguity.IsFContiguous;
        if (flags.WantsWritable() && readOnly)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer is not writable");
        }

        string? answeredFormat = flags.WantsFormat() ? format : null;
        if (flags.WantsCContiguous() && !isC)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer is not C-contiguous");
        }

        if (flags.WantsFContiguous() && !isF)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer is not Fortran contiguous");
        }

        if (flags.WantsAnyContiguous() && !isC && !isF)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer is not contiguous");
        }

        if (!flags.WantsIndirect() && contiguity.IsPil)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer requires suboffsets");
        }

        if (!flags.WantsStrides() && !isC)
        {
            ThrowHelper.ThrowBuffer($"{who}: underlying buffer is not C-contiguous");
        }

        // A 0-d view has NULL shape and strides, as CPython's memoryview exports it. The view shares
        // the layout's arrays (neither changes them), so an answer copies nothing.
        int ndim = layout.NDim;
        long[]? shape = ndim == 0 ? null : layout.ShapeArray;
        if (!flags.WantsShape())
        {
            if (answeredFormat is not null)
            {
                ThrowHelper.ThrowBuffer($"{who}: cannot cast to unsigned bytes if the format flag is present");
            }

            ndim = 1;
            shape = null;
        }

        view.Obj = obj;
        view.Buf = buf;
        view.Len = layout.ByteLength;
        view.ReadOnly = readOnly;
        view.ItemSize = layout.ItemSize;
        view.Format = answeredFormat;
        view.NDim = ndim;
        view.ShareArrays(shape, flags.WantsStrides() && ndim != 0 ? layout.StridesArray : null, layout.SuboffsetsArray);
        view.Internal = null;
    }
}
