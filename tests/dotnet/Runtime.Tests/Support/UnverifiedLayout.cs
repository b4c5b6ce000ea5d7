// The geometry a consumer that skips verification would read from a view: the fields as they
// are, a missing shape on one dimension as len bytes (the simple-request answer), missing strides
// as C-contiguous ones. The corpus and hostile-view tests hand such layouts to ArrayView and
// ViewCopier to check that even unverified views fail cleanly inside their memory.
using System;
using NewBuffer.Geometry;
using NewBuffer.Protocol;

namespace NewBuffer.Tests.Support;

internal static class UnverifiedLayout
{
    /// <summary>The layout, or null when the fields cannot form one at all.</summary>
    public static ViewLayout? TryRead(BufferView view)
    {
        try
        {
            if (!view.HasShape)
            {
                return view.NDim == 1 ? new ViewLayout(1, [view.Len], [1]) : null;
            }

            long[] strides = view.HasStrides ? view.Strides.ToArray() : ViewLayout.ContiguousStrides(view.Shape, Math.Max(view.ItemSize, 1));
            return new ViewLayout(view.ItemSize, view.Shape, strides, view.HasSuboffsets ? view.Suboffsets.ToArray() : null);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            return null;
        }
    }
}
