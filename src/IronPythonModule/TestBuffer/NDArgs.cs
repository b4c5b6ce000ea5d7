// Reading _testbuffer's arguments as CPython's argument parser and _testbuffer.c read them (integers
// 'n' and 'i' through PythonValues' converters): CHECK_LIST_OR_TUPLE, shape and strides entries
// (exact ints only), slices (PySlice_Unpack) and orders (get_ascii_order). Each keeps CPython's
// exception type and message, which test_buffer.py asserts.
using System.Collections.Generic;
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Geometry;
using NewBuffer.IronPython.Views;

namespace NewBuffer.IronPython.TestBuffer;

internal static class NDArgs
{
    /// <summary>CHECK_LIST_OR_TUPLE: the items of a list or tuple, or TypeError naming <paramref name="name"/>.</summary>
    public static IList<object?> ListOrTuple(object? value, string name) => value switch
    {
        PythonList list => list,
        PythonTuple tuple => tuple,
        _ => throw PythonErrors.TypeError($"{name} must be a list or a tuple"),
    };

    /// <summary>seq_as_ssize_array: shape or strides entries, which must be ints (not merely index-like).</summary>
    public static long[] ToSizes(IList<object?> items, bool isShape)
    {
        string name = isShape ? "shape" : "strides";
        var result = new long[items.Count];
        for (int i = 0; i < result.Length; i++)
        {
            object? item = items[i];
            if (item is not (int or BigInteger or bool))
            {
                throw PythonErrors.ValueError($"elements of {name} must be integers");
            }

            result[i] = PythonValues.ToSsize(item);
            if (isShape && result[i] < 0)
            {
                throw PythonErrors.ValueError("elements of shape must be integers >= 0");
            }
        }

        return result;
    }

    /// <summary>PySlice_Unpack + PySlice_AdjustIndices: (start, stop, step, slicelength) of <paramref name="slice"/> over <paramref name="length"/>.</summary>
    public static (long Start, long Stop, long Step, long Length) Resolve(Slice slice, long length)
    {
        long count = Slicing.Adjust(length, PythonValues.ToSliceIndex(slice.start), PythonValues.ToSliceIndex(slice.stop), PythonValues.ToSliceIndex(slice.step), out long start, out long stop, out long step);
        return (start, stop, step, count);
    }

    /// <summary>get_ascii_order: the first character of an ASCII str, which must be 'C', 'F' or 'A'.</summary>
    public static Order ToOrder(CodeContext context, object? order)
    {
        if (order is not string text)
        {
            throw PythonErrors.TypeError("order must be a string");
        }

        // Encoding raises CPython's UnicodeEncodeError for a non-ASCII order.
        StringOps.encode(context, text, "ascii");
        return text.Length == 0 ? Invalid() : text[0] switch
        {
            'C' => Order.C,
            'F' => Order.Fortran,
            'A' => Order.Any,
            _ => Invalid(),
        };

        static Order Invalid() => throw PythonErrors.ValueError("invalid order, must be C, F or A");
    }
}
