// Turns the CLR value handed to a pack into what a row needs: an integer, a double, a truth value
// or bytes. It owns the list of accepted CLR types, so every row accepts the same ones:
// integers are sbyte..ulong, nint/nuint, BigInteger and bool (Python's bool is an int); floats are
// double, float and Half plus every integer; bytes are byte[], ReadOnlyMemory<byte> and
// Memory<byte>. A host converts its own objects (Python int/float/bytes) to these first.
using System;
using System.Collections;
using System.Numerics;

namespace NewBuffer.Format;

internal static class PackArgument
{
    private static readonly BigInteger s_int128Min = (BigInteger)Int128.MinValue;
    private static readonly BigInteger s_int128Max = (BigInteger)Int128.MaxValue;

    /// <summary>
    /// Reads an integer. A <see cref="BigInteger"/> beyond <see cref="Int128"/> saturates, which is
    /// outside every row's range and so still fails the range check with CPython's message.
    /// </summary>
    public static bool TryGetInteger(object? value, out Int128 result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case byte b: result = b; return true;
            case ulong ul: result = ul; return true;
            case uint ui: result = ui; return true;
            case short s: result = s; return true;
            case ushort us: result = us; return true;
            case sbyte sb: result = sb; return true;
            case nint n: result = n; return true;
            case nuint un: result = un; return true;
            case bool flag: result = flag ? 1 : 0; return true;
            case BigInteger big:
                result = big < s_int128Min ? Int128.MinValue : big > s_int128Max ? Int128.MaxValue : (Int128)big;
                return true;
            default:
                result = default;
                return false;
        }
    }

    /// <summary>
    /// Reads a float. <paramref name="fromInteger"/> says the value was an integer, because CPython
    /// then reports a packing overflow as "int too large to convert". An integer too large for a
    /// double fails, as CPython's <c>PyFloat_AsDouble</c> does.
    /// </summary>
    public static bool TryGetDouble(object? value, out double result, out bool fromInteger)
    {
        fromInteger = false;
        switch (value)
        {
            case double d: result = d; return true;
            case float f: result = f; return true;
            case Half h: result = (double)h; return true;
            case BigInteger big:
                fromInteger = true;
                result = ToDouble(big);
                return double.IsFinite(result);
        }

        if (TryGetInteger(value, out Int128 integer))
        {
            fromInteger = true;
            result = integer < 0 ? (long)integer : (double)(ulong)integer;
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>
    /// Rounds to nearest, ties to even, as CPython's int-to-float does. (BigInteger's own explicit
    /// conversion truncates.) The top 64 bits keep a sticky bit for everything shifted out, so the
    /// one rounding step, ulong to double, sees the exact tie-breaking information.
    /// </summary>
    private static double ToDouble(BigInteger value)
    {
        BigInteger magnitude = BigInteger.Abs(value);
        long bits = (long)magnitude.GetBitLength();
        if (bits > 1024)
            return value.Sign < 0 ? double.NegativeInfinity : double.PositiveInfinity;
        if (bits <= 64)
            return value.Sign < 0 ? -(double)(ulong)magnitude : (double)(ulong)magnitude;

        int shift = (int)(bits - 64);
        ulong top = (ulong)(magnitude >> shift);
        if (!(magnitude & ((BigInteger.One << shift) - 1)).IsZero)
            top |= 1;
        double result = Math.ScaleB((double)top, shift);
        return value.Sign < 0 ? -result : result;
    }

    /// <summary>Python truth: zero, empty and null are false; any other object is true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        double d => d != 0,
        float f => f != 0,
        Half h => h != Half.Zero,
        BigInteger big => !big.IsZero,
        string s => s.Length != 0,
        ReadOnlyMemory<byte> memory => !memory.IsEmpty,
        Memory<byte> memory => !memory.IsEmpty,
        ICollection collection => collection.Count != 0,
        _ => !TryGetInteger(value, out Int128 integer) || integer != 0,
    };

    public static bool TryGetBytes(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] array: bytes = array; return true;
            case ReadOnlyMemory<byte> memory: bytes = memory.Span; return true;
            case Memory<byte> memory: bytes = memory.Span; return true;
            default: bytes = default; return false;
        }
    }
}
