// The 'c' row: one byte, packed from a byte[] of length 1 only (CPython 3.13 accepts only bytes
// of length 1 - not bytearray, not int) and unpacked as a new byte[1].
using System;
using NewBuffer.Protocol;

namespace NewBuffer.Format;

internal sealed class CharCode : FormatCode
{
    public CharCode(char code)
        : base(code, 1, 1, FormatValueKind.Char)
    {
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer) => boxer.Bytes([source[0]]);

    public override void Pack(Span<byte> destination, object? value, bool littleEndian)
    {
        if (value is not byte[] { Length: 1 } bytes)
        {
            ThrowHelper.ThrowStruct(FormatMessages.CharNeedsOneByte);
            return;
        }

        destination[0] = bytes[0];
    }
}
