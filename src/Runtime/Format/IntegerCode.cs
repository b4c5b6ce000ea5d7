// The integer rows: signed ('b' 'h' 'i' 'l' 'q' 'n'), unsigned ('B' 'H' 'I' 'L' 'Q' 'N') and the
// pointer 'P'. Invariant: Size is 1, 2, 4 or 8. The accepted range is [_min, _max]; 'P' takes
// any value CPython's PyLong_AsVoidPtr does (negative values are stored as two's complement) and
// unpacks unsigned. Out-of-range messages are CPython 3.13's exact text.
using System;

namespace NewBuffer.Format;

internal sealed class IntegerCode : FormatCode
{
    private readonly Int128 _min;
    private readonly Int128 _max;
    private readonly int _signShift;

    public IntegerCode(char code, int size, int alignment, FormatValueKind kind)
        : base(code, size, alignment, kind)
    {
        int bits = size * 8;
        Int128 half = Int128.One << (bits - 1);
        _min = kind == FormatValueKind.UnsignedInteger ? Int128.Zero : -half;
        _max = kind == FormatValueKind.SignedInteger ? half - 1 : (Int128.One << bits) - 1;
        _signShift = 64 - bits;
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer)
    {
        ulong raw = RawBits.Read(source, Size, littleEndian);
        return Kind == FormatValueKind.SignedInteger ? boxer.Integer(SignExtend(raw)) : boxer.Unsigned(raw);
    }

    internal override bool TryReadNumber(ReadOnlySpan<byte> source, bool littleEndian, out Number value)
    {
        ulong raw = RawBits.Read(source, Size, littleEndian);
        value = Kind == FormatValueKind.SignedInteger ? Number.Signed(SignExtend(raw)) : Number.Unsigned(raw);
        return true;
    }

    private long SignExtend(ulong raw) => (long)(raw << _signShift) >> _signShift;

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        if (!PackArgument.TryGetInteger(value, out Int128 integer))
        {
            error = FormatError.Struct(FormatMessages.NotAnInteger);
            return false;
        }

        if (integer < _min || integer > _max)
        {
            error = FormatError.Struct(Kind == FormatValueKind.Pointer ? FormatMessages.IntTooLarge : FormatMessages.Range(Code, _min, _max));
            return false;
        }

        RawBits.Write(destination, Size, (ulong)integer, littleEndian);
        error = default;
        return true;
    }
}
