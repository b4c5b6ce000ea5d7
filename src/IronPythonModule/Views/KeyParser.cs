// Python subscripts of a memoryview: what a key selects. CPython's rules where CPython has them
// (ints, slices, Ellipsis, tuples of ints; its error messages), and beyond CPython: an int on a
// multi-dimensional view is the sub-view, and a tuple may mix ints and slices for any dimension.
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Geometry;
using NewBuffer.Views;

namespace NewBuffer.IronPython.Views;

internal static class KeyParser
{
    /// <summary>What a key selects: one item (its indices) or a view.</summary>
    public readonly record struct Selection(long[]? Item, ArrayView? View);

    /// <summary>What <paramref name="key"/> selects in <paramref name="view"/>; <paramref name="assignment"/> words
    /// CPython's refusal of more slices than dimensions as memory_ass_sub does, else as memory_subscript.</summary>
    public static Selection Select(ArrayView view, object? key, bool assignment = false)
    {
        int ndim = view.Layout.NDim;
        switch (key)
        {
            case Ellipsis:
                return new Selection(null, view);
            case Slice slice:
                RequireDimensions(ndim);
                return new Selection(null, ApplySlice(view, 0, slice));
            case PythonTuple tuple:
                return SelectTuple(view, tuple, assignment);
            case var _ when PythonValues.IsIndex(key):
                RequireDimensions(ndim);
                long index = Index(key);
                return ndim == 1 ? new Selection([index], null) : new Selection(null, view.Take(0, index));
            default:
                throw PythonErrors.TypeError("memoryview: invalid slice key");
        }
    }

    private static Selection SelectTuple(ArrayView view, PythonTuple tuple, bool assignment)
    {
        int ndim = view.Layout.NDim;
        if (tuple.Count > ndim)
        {
            if (ndim == 0)
            {
                throw PythonErrors.TypeError("invalid indexing of 0-dim memory");
            }

            // CPython's classification: all indices, all slices (is_multislice), or neither.
            bool onlySlices = true, onlyIndices = true;
            foreach (object? part in tuple)
            {
                onlySlices &= part is Slice;
                onlyIndices &= PythonValues.IsIndex(part);
            }

            if (onlySlices)
            {
                throw PythonOps.NotImplementedError("{0}", assignment
                    ? "memoryview slice assignments are currently restricted to ndim = 1"
                    : "multi-dimensional slicing is not implemented");
            }

            throw PythonErrors.TypeError(onlyIndices
                ? $"cannot index {ndim}-dimension view with {tuple.Count}-element tuple"
                : "memoryview: invalid slice key");
        }

        bool allIndices = true;
        foreach (object? part in tuple)
        {
            allIndices &= PythonValues.IsIndex(part);
        }

        if (allIndices && tuple.Count == ndim)
        {
            var indices = new long[ndim];
            for (int i = 0; i < ndim; i++)
            {
                indices[i] = Index(tuple[i]);
            }

            return new Selection(indices, null);
        }

        ArrayView result = view;
        int dim = 0;
        foreach (object? part in tuple)
        {
            if (part is Slice slice)
            {
                result = ApplySlice(result, dim++, slice);
            }
            else if (PythonValues.IsIndex(part))
            {
                result = result.Take(dim, Index(part));
            }
            else
            {
                throw PythonErrors.TypeError("memoryview: invalid slice key");
            }
        }

        return new Selection(null, result);
    }

    private static ArrayView ApplySlice(ArrayView view, int dim, Slice slice)
    {
        long count = Slicing.Adjust(
            view.Layout.Shape[dim],
            PythonValues.ToSliceIndex(slice.start),
            PythonValues.ToSliceIndex(slice.stop),
            PythonValues.ToSliceIndex(slice.step),
            out long first,
            out long step);
        return view.Slice(dim, first, count, step);
    }

    /// <summary>An index key as CPython's PyNumber_AsSsize_t(key, PyExc_IndexError): too large is IndexError.</summary>
    private static long Index(object? key)
    {
        if (key is BigInteger big && (big < long.MinValue || big > long.MaxValue))
        {
            throw PythonOps.IndexError("cannot fit 'int' into an index-sized integer");
        }

        return PythonValues.ToLong(key, "index");
    }

    private static void RequireDimensions(int ndim)
    {
        if (ndim == 0)
        {
            throw PythonErrors.TypeError("invalid indexing of 0-dim memory");
        }
    }

}
