// The IEEE 754 rows 'e' (binary16), 'f' (binary32) and 'd' (binary64). CPython packs standard
// 'e' and 'f' with PyFloat_Pack2/4, which raise OverflowError for a finite value that rounds to
// infinity, but packs native 'f' with a plain C cast (1e300 becomes inf) - _checkOverflow
// records which. 'e' always checks. NaN in 'e' is canonicalised with its sign kept, as
// PyFloat_Pack2/Unpack2 do; .NET's Half conversions would keep payload bits CPython drops.
using System;
using NewBuffer.Protocol;

namespace NewBuffer.Format;

internal sealed class FloatCode : FormatCode
{
    private const ushort HalfQuietNaN = 0x7E00;
    private const ushort HalfSignBit = 0x8000;
    private const long DoubleQuietNaN = 0x7FF8_0000_0000_0000;

    private readonly bool _checkOverflow;

    public FloatCode(char code, int size, int alignment, bool checkOverflow)
        : base(code, size, alignment, FormatValueKind.Float)
    {
        _checkOverflow = checkOverflow;
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer) =>
        boxer.Float(Read(source, littleEndian));

    internal override bool TryReadNumber(ReadOnlySpan<byte> source, bool littleEndian, out Number value)
    {
        value = Number.Float(Read(source, littleEndian));
        return true;
    }

    private double Read(ReadOnlySpan<byte> source, bool littleEndian)
    {
        ulong raw = RawBits.Read(source, Size, littleEndian);
        return Size switch
        {
            2 => UnpackHalf((ushort)raw),
            4 => BitConverter.UInt32BitsToSingle((uint)raw),
            _ => BitConverter.UInt64BitsToDouble(raw),
        };
    }

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        if (!PackArgument.TryGetDouble(value, out double number, out bool fromInteger))
        {
            error = FormatError.Struct(FormatMessages.NotAFloat);
            return false;
        }

        ulong raw;
        switch (Size)
        {
            case 2:
                if (!TryPackHalf(number, out ushort half))
                {
                    error = TooLarge(fromInteger);
                    return false;
                }

                raw = half;
                break;
            case 4:
                float single = (float)number;
                if (_checkOverflow && float.IsInfinity(single) && double.IsFinite(number))
                {
                    error = TooLarge(fromInteger);
                    return false;
                }

                raw = BitConverter.SingleToUInt32Bits(single);
                break;
            default:
                raw = BitConverter.DoubleToUInt64Bits(number);
                break;
        }

        RawBits.Write(destination, Size, raw, littleEndian);
        error = default;
        return true;
    }

    private static double UnpackHalf(ushort raw)
    {
        Half half = BitConverter.UInt16BitsToHalf(raw);
        if (!Half.IsNaN(half))
            return (double)half;
        double nan = BitConverter.Int64BitsToDouble(DoubleQuietNaN);
        return (raw & HalfSignBit) != 0 ? -nan : nan;
    }

    private static bool TryPackHalf(double number, out ushort raw)
    {
        if (double.IsNaN(number))
        {
            raw = double.IsNegative(number) ? (ushort)(HalfQuietNaN | HalfSignBit) : HalfQuietNaN;
            return true;
        }

        Half half = (Half)number;
        raw = BitConverter.HalfToUInt16Bits(half);
        return !Half.IsInfinity(half) || !double.IsFinite(number);
    }

    /// <summary>
    /// CPython's PyFloat_Pack raises OverflowError, but its struct module turns an OverflowError
    /// raised while packing an int into struct.error "int too large to convert".
    /// </summary>
    private FormatError TooLarge(bool fromInteger) => fromInteger
        ? FormatError.Struct(FormatMessages.IntTooLarge)
        : new FormatError(BufferErrorKind.Overflow, FormatMessages.FloatTooLarge(Code));
}
