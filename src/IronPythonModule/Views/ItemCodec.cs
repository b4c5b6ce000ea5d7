// Writing one item from a Python value, with CPython memoryview's error split: a value of the
// wrong type is TypeError "invalid type for format", one the format cannot hold is ValueError
// "invalid value for format". The struct codec does the packing; this only classifies.
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Format;
using NewBuffer.Memory;
using NewBuffer.Views;

namespace NewBuffer.IronPython.Views;

internal static class ItemCodec
{
    public static void Set(ArrayView view, long[] indices, object? value)
    {
        StructFormat format = view.RequireItemFormat();
        if (format.Single is { } code && !Accepts(code.Kind, value))
        {
            throw PythonErrors.TypeError($"memoryview: invalid type for format '{view.Format}'");
        }

        object? packed = format.Single is { } single ? PythonValues.ToPackValue(value, single.Kind)
            : format.ValueCount == 1 ? PythonValues.ToClr(value) : ToClrTuple(value);
        view.CheckWritable();
        BufferPointer at = view.Locate(indices);
        if (!format.TryPackValue(at.Slice(view.Layout.ItemSize), packed, out _))
        {
            throw PythonErrors.ValueError($"memoryview: invalid value for format '{view.Format}'");
        }
    }

    private static bool Accepts(FormatValueKind kind, object? value) => kind switch
    {
        FormatValueKind.SignedInteger or FormatValueKind.UnsignedInteger or FormatValueKind.Pointer =>
            value is int or BigInteger or bool || HasMethod(value, "__index__"),
        FormatValueKind.Float => value is double or int or BigInteger or bool
            || (value is not Complex && HasMethod(value, "__float__")) || HasMethod(value, "__index__"),
        FormatValueKind.Char or FormatValueKind.Bytes or FormatValueKind.PascalBytes => value is Bytes,
        _ => true,
    };

    private static bool HasMethod(object? value, string name) =>
        value is not null and not string && PythonOps.TryGetBoundAttr(value, name, out _);

    private static object?[] ToClrTuple(object? value)
    {
        if (value is not PythonTuple tuple)
        {
            throw PythonErrors.TypeError("memoryview: a tuple is required for a multi-value format");
        }

        var items = new object?[tuple.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = PythonValues.ToClr(tuple[i]);
        }

        return items;
    }
}
