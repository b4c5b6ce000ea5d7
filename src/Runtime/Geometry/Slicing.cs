// Python slice arithmetic on one dimension (CPython's PySlice_Unpack + PySlice_AdjustIndices),
// kept host-neutral: hosts pass already-converted integers, null for a missing bound.
using NewBuffer.Protocol;

namespace NewBuffer.Geometry;

/// <summary>Clamps slice bounds to a dimension and counts the selected elements.</summary>
public static class Slicing
{
    /// <summary>Resolves <c>start:stop:step</c> against <paramref name="length"/>; returns the number of elements selected.</summary>
    /// <exception cref="BufferException"><paramref name="step"/> is 0 (Kind Value, CPython's message).</exception>
    public static long Adjust(long length, long? start, long? stop, long? step, out long first, out long stride) =>
        Adjust(length, start, stop, step, out first, out _, out stride);

    /// <summary>As <see cref="Adjust(long, long?, long?, long?, out long, out long)"/>, also giving the clamped stop (<c>PySlice_AdjustIndices</c>' stop).</summary>
    /// <exception cref="BufferException"><paramref name="step"/> is 0 (Kind Value, CPython's message).</exception>
    public static long Adjust(long length, long? start, long? stop, long? step, out long first, out long last, out long stride)
    {
        stride = step ?? 1;
        if (stride == 0)
        {
            ThrowHelper.ThrowValue("slice step cannot be zero");
        }

        long lower = stride < 0 ? -1 : 0, upper = stride < 0 ? length - 1 : length;
        first = Clamp(start, stride < 0 ? upper : lower, length, lower, upper);
        last = Clamp(stop, stride < 0 ? lower : upper, length, lower, upper);
        if (stride < 0)
        {
            return last < first ? (first - last - 1) / -stride + 1 : 0;
        }

        return first < last ? (last - first - 1) / stride + 1 : 0;
    }

    private static long Clamp(long? value, long missing, long length, long lower, long upper)
    {
        if (value is not long v)
        {
            return missing;
        }

        if (v < 0)
        {
            v += length;
            return v < lower ? lower : v;
        }

        return v > upper ? upper : v;
    }
}
