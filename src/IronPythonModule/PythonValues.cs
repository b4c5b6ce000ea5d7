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
        try
        {
            object index = value is bool b ? (b ? 1 : 0) : PythonOps.Index(value);
            return index switch
            {
                int i => i,
                BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
                BigInteger => throw PythonOps.OverflowError("{0}", $"Python int too large to convert to C ssize_t"),
                _ => Convert.ToInt64(index, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        catch (Exception e) when (e is global::IronPython.Runtime.Exceptions.TypeErrorException)
        {
            throw PythonErrors.TypeError($"{what} must be a Python integer, not '{PythonErrors.TypeName(value)}'");
        }
    }

    /// <summary>An index-like Python value as a C int (Argument Clinic's 'int' converter): __index__, then CPython's OverflowError.</summary>
    public static int ToCInt(object value)
    {
        object index = value is bool b ? (b ? 1 : 0) : PythonOps.Index(value);
        return index switch
        {
            int i => i,
            BigInteger big when big >= int.MinValue && big <= int.MaxValue => (int)big,
            _ => throw PythonOps.OverflowError("Python int too large to convert to C int"),
        };
    }

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
