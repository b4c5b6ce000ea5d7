// The 'c' row: one byte, packed from a byte[] of length 1 only (CPython 3.13 accepts only bytes
// of length 1 - not bytearray, not int) and unpacked as a new byte[1].
using System;

namespace NewBuffer.Format;

internal sealed class CharCode : FormatCode
{
    public CharCode(char code)
        : base(code, 1, 1, FormatValueKind.Char)
    {
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer) => boxer.Bytes([source[0]]);

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        if (value is not byte[] { Length: 1 } bytes)
        {
            error = FormatError.Struct(FormatMessages.CharNeedsOneByte);
            return false;
        }

        destination[0] = bytes[0];
        error = default;
        return true;
    }
}
