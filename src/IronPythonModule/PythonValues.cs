// Conversions between the core's CLR values (long, ulong, double, bool, byte[], object?[]) and
// IronPython's (int as Int32 or BigInteger, float, bool, bytes, tuple). Only this file knows how
// IronPython represents numbers and bytes.
using System;
using System.Collections.Generic;
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using Microsoft.Scripting.Runtime;
using NewBuffer.Format;

namespace NewBuffer.IronPython;

internal static class PythonValues
{
    /// <summary>Builds IronPython's objects straight from unpacked values (no intermediate CLR box).</summary>
    public static IValueBoxer Boxer { get; } = new PythonBoxer();

    /// <summary>A size, index or address as an IronPython int (Int32 when it fits, else BigInteger).</summary>
    public static object ToPython(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? ScriptingRuntimeHelpers.Int32ToObject((int)value) : (BigInteger)value;

    /// <summary>A Python value in a form the struct codec packs (integers via __index__, bytes-likes as byte[]).</summary>
    public static object? ToClr(object? value) => value switch
    {
        null or bool or int or double or BigInteger or string => value,
        Bytes bytes => ToArray(bytes),
        ByteArray bytes => ToArray(bytes),
        _ when PythonOps.TryGetBoundAttr(value, "__index__", out _) => PythonOps.Index(value),
        _ when PythonOps.TryGetBoundAttr(value, "__float__", out object? toFloat) => PythonCalls.Call(toFloat),
        _ => value,
    };

    /// <summary>
    /// A Python value as the codec packs it for a code of <paramref name="kind"/>, converted as
    /// CPython's struct and memoryview do: integers through __index__, floats through __float__ (or __index__),
    /// '?' through Python truth, 'c' from bytes only, 's' and 'p' from bytes or bytearray. Anything
    /// else is passed on unchanged for the codec to reject with CPython's message.
    /// </summary>
    public static object? ToPackValue(object? value, FormatValueKind kind)
    {
        switch (kind)
        {
            case FormatValueKind.SignedInteger or FormatValueKind.UnsignedInteger or FormatValueKind.Pointer:
                return value is null or int or BigInteger or bool or double || !PythonOps.TryGetBoundAttr(value, "__index__", out _)
                    ? value : PythonOps.Index(value);
            case FormatValueKind.Float:
                // IronPython's complex still has __float__ (raising TypeError); CPython's lost it in 3.10.
                if (value is null or double or int or BigInteger or bool or Complex)
                    return value;
                if (PythonOps.TryGetBoundAttr(value, "__float__", out object? toFloat))
                    return PythonCalls.Call(toFloat);
                return PythonOps.TryGetBoundAttr(value, "__index__", out _) ? PythonOps.Index(value) : value;
            case FormatValueKind.Bool:
                return PythonOps.IsTrue(value);
            case FormatValueKind.Char:
                return value is Bytes one ? ToArray(one) : value;
            case FormatValueKind.Bytes or FormatValueKind.PascalBytes:
                return value switch
                {
                    Bytes bytes => ToArray(bytes),
                    ByteArray bytes => ToArray(bytes),
                    _ => value,
                };
            default:
                return value;
        }
    }

    /// <summary>A bytes object over <paramref name="bytes"/> without copying; the array must not change afterwards.</summary>
    public static Bytes WrapBytes(byte[] bytes)
    {
#pragma warning disable CS0618 // IronPython marks its no-copy constructor obsolete for generated code only.
        return PythonOps.MakeBytes(bytes);
#pragma warning restore CS0618
    }

    public static PythonTuple TupleOf(ReadOnlySpan<long> values)
    {
        var items = new object[values.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = ToPython(values[i]);
        }

        return PythonOps.MakeTuple(items);
    }

    /// <summary>An index-like Python value as a long, or TypeError naming <paramref name="what"/>.</summary>
    public static long ToLong(object? value, string what)
    {
        object index;
        try
        {
            index = Index(value);
        }
        catch (Exception e) when (e is global::IronPython.Runtime.Exceptions.TypeErrorException)
        {
            throw PythonErrors.TypeError($"{what} must be a Python integer, not '{PythonErrors.TypeName(value)}'");
        }

        return TryLong(index, out long n) ? n : throw Overflow("Python int too large to convert to C ssize_t");
    }

    // CPython's integer converters, each with its own messages; all read the value through __index__
    // (PyNumber_Index), so None, floats and str are TypeError "'float' object cannot be interpreted as
    // an integer" and an __index__ that raises raises through.

    /// <summary>PyArg format 'n' (PyLong_AsSsize_t): a Py_ssize_t.</summary>
    public static long ToSsize(object? value) =>
        TryLong(Index(value), out long n) ? n : throw Overflow("Python int too large to convert to C ssize_t");

    /// <summary>PyArg format 'i', as C functions parsing their arguments with PyArg_ParseTuple read a C int
    /// (pygame's Py_buffer.get_buffer, _testbuffer).</summary>
    public static int ToIntArgument(object? value) =>
        !TryLong(Index(value), out long n) ? throw Overflow("Python int too large to convert to C long")
        : n > int.MaxValue ? throw Overflow("signed integer is greater than maximum")
        : n < int.MinValue ? throw Overflow("signed integer is less than minimum")
        : (int)n;

    /// <summary>Argument Clinic's <c>int</c> (PyLong_AsInt), as CPython's memoryview methods read a C int.</summary>
    public static int ToClinicInt(object? value) =>
        TryLong(Index(value), out long n) && n is >= int.MinValue and <= int.MaxValue ? (int)n
        : throw Overflow("Python int too large to convert to C int");

    /// <summary>The flags of a <c>__buffer__</c> call, read as typeobject.c's wrap_buffer reads them: a
    /// Py_ssize_t, refused above INT_MAX and cast to a C int below INT_MIN (CPython's Py_SAFE_DOWNCAST).</summary>
    public static int ToBufferFlags(object? value) =>
        !TryLong(Index(value), out long n) ? throw Overflow($"cannot fit '{PythonErrors.TypeName(value)}' into an index-sized integer")
        : n > int.MaxValue ? throw Overflow("buffer flags too large")
        : unchecked((int)n);

    /// <summary>PyIndex_Check: ints and objects with <c>__index__</c>.</summary>
    public static bool IsIndex(object? value) =>
        value is int or BigInteger or bool
        || (value is not null and not string and not double && PythonOps.TryGetBoundAttr(value, "__index__", out _));

    /// <summary>_PyEval_SliceIndex: a slice bound read through <c>__index__</c> and clamped to the 64-bit
    /// range (PyNumber_AsSsize_t with no exception); None is null where <paramref name="noneAllowed"/>.</summary>
    public static long? ToSliceIndex(object? value, bool noneAllowed = true)
    {
        if (value is null && noneAllowed)
        {
            return null;
        }

        if (!IsIndex(value))
        {
            throw PythonErrors.TypeError(noneAllowed ? "slice indices must be integers or None or have an __index__ method"
                : "slice indices must be integers or have an __index__ method");
        }

        return Index(value) switch
        {
            BigInteger big => big < long.MinValue ? long.MinValue : big > long.MaxValue ? long.MaxValue : (long)big,
            object index => System.Convert.ToInt64(index, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The arguments a <c>params</c> array received: IronPython passes a lone None in its place as a null array.</summary>
    public static object?[] ParamsArguments(object?[]? rest) => rest ?? [null];

    /// <summary>PyNumber_Index: an int (Int32 or BigInteger); bools are ints.</summary>
    private static object Index(object? value) => value is bool b ? (b ? 1 : 0) : PythonOps.Index(value);

    private static bool TryLong(object index, out long value)
    {
        switch (index)
        {
            case int i:
                value = i;
                return true;
            case BigInteger big when big >= long.MinValue && big <= long.MaxValue:
                value = (long)big;
                return true;
            case BigInteger:
                value = 0;
                return false;
            default:
                value = Convert.ToInt64(index, System.Globalization.CultureInfo.InvariantCulture);
                return true;
        }
    }

    private static Exception Overflow(string message) => PythonOps.OverflowError("{0}", message);

    public static byte[] ToArray(IList<byte> bytes)
    {
        var array = new byte[bytes.Count];
        bytes.CopyTo(array, 0);
        return array;
    }

    private sealed class PythonBoxer : IValueBoxer
    {
        public object? Integer(long value) => ToPython(value);

        public object? Unsigned(ulong value) => value <= int.MaxValue
            ? ScriptingRuntimeHelpers.Int32ToObject((int)value)
            : (BigInteger)value;

        public object? Float(double value) => value;

        public object? Bool(bool value) => ScriptingRuntimeHelpers.BooleanToObject(value);

        public object? Bytes(byte[] value) => WrapBytes(value);

        public object? Tuple(object?[] values) => PythonOps.MakeTuple(values!);
    }
}
