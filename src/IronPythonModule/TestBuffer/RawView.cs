// Questions about a raw Py_buffer, as CPython's abstract.c answers them: PyBuffer_IsContiguous
// and memoryobject.c's init_shape_strides. _testbuffer works on views exactly
// as exporters made them - shape or strides may be NULL, and an ndarray may have up to 128
// dimensions (ND_MAX_NDIM), twice what the core's ViewLayout (and any consumer) accepts - so these
// read the BufferView fields directly instead of building a ViewLayout. Whoever needs a ViewLayout
// (copying, tolist) asks Layout() for one, which fills in NULL strides the way CPython does.
using System;
using NewBuffer.Geometry;
using NewBuffer.Protocol;

namespace NewBuffer.IronPython.TestBuffer;

internal static class RawView
{
    /// <summary><c>PyBuffer_IsContiguous(view, order)</c>: NULL strides mean C order; suboffsets mean never.</summary>
    public static bool IsContiguous(BufferView view, Order order) => order switch
    {
        Order.C => !view.HasSuboffsets && IsC(view),
        Order.Fortran => !view.HasSuboffsets && IsFortran(view),
        _ => !view.HasSuboffsets && (IsC(view) || IsFortran(view)),
    };

    /// <summary>The view's geometry with NULLs filled in (memoryobject.c's init_shape_strides): a NULL shape
    /// is one dimension of <c>len</c> items, NULL strides are C-contiguous ones.</summary>
    /// <exception cref="Exception">More dimensions than a consumer can handle (Kind Value).</exception>
    public static ViewLayout Layout(BufferView view)
    {
        if (view.NDim > ViewLayout.MaxNDim)
        {
            throw BufferErrors.Create(BufferErrorKind.Value, $"memoryview: number of dimensions must not exceed {ViewLayout.MaxNDim}");
        }

        if (!view.HasShape && view.NDim != 0)
        {
            return new ViewLayout(view.ItemSize, [ShapelessLength(view)], [view.ItemSize]);
        }

        return new ViewLayout(view.ItemSize, view.Shape, StridesOf(view), view.HasSuboffsets ? view.Suboffsets.ToArray() : null);
    }

    /// <summary>The items of a view without a shape: as many whole items as len holds. An exporter that
    /// answers without a shape should give itemsize 1, but a hostile one may not, and reading len
    /// items of a larger itemsize (as CPython's ndarray would) runs past its memory.</summary>
    public static long ShapelessLength(BufferView view) => view.Len / view.ItemSize;

    private static long[] StridesOf(BufferView view) =>
        view.HasStrides ? view.Strides.ToArray() : ViewLayout.ContiguousStrides(view.Shape, view.ItemSize);

    // PyBuffer_IsContiguous's _IsCContiguous and _IsFortranContiguous: an empty view is both; NULL
    // strides mean C order, which is Fortran order too when at most one dimension is longer than 1.
    private static bool IsC(BufferView view) =>
        view.Len == 0 || !view.HasStrides || ViewLayout.HasContiguousStrides(view.Shape, view.Strides, view.ItemSize, Order.C);

    private static bool IsFortran(BufferView view) =>
        view.Len == 0 || ViewLayout.HasContiguousStrides(view.Shape, StridesOf(view), view.ItemSize, Order.Fortran);
}
