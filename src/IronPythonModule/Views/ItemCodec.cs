// Writing one item from a Python value, as CPython memoryview's pack_single does it: the value is
// first converted for the item's kind - __index__ for integers and pointers, __float__ (then
// __index__) for floats, truth for '?', bytes for 'c' - which may run Python code, so the caller
// checks the view is still live between Convert and Write (CPython's CHECK_RELEASED_AGAIN). A value
// of the wrong type is TypeError "invalid type for format", one the format cannot hold is ValueError
// "invalid value for format". The struct codec packs; this converts and classifies.
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Format;
using NewBuffer.Memory;
using NewBuffer.Views;

namespace NewBuffer.IronPython.Views;

internal static class ItemCodec
{
    /// <summary>The value as the codec packs it for <paramref name="format"/>'s item; may call the value's Python methods.</summary>
    public static object? Convert(ArrayView view, StructFormat format, object? value)
    {
        if (format.Single is not { } code)
        {
            return format.ValueCount == 1 ? PythonValues.ToClr(value) : ToClrTuple(value);
        }

        return Accepts(code.Kind, value) ? PythonValues.ToPackValue(value, code.Kind)
            : throw PythonErrors.TypeError($"memoryview: invalid type for format '{view.Format}'");
    }

    /// <summary>Packs <paramref name="packed"/> (from <see cref="Convert"/>) into the item at <paramref name="at"/>; nothing is written when refused.</summary>
    public static void Write(ArrayView view, StructFormat format, BufferPointer at, object? packed)
    {
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
