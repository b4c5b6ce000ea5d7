// The 'x' row: a pad byte. It holds no value, so StructFormat never gives it an item; packing
// writes a zero and unpacking is an error.
using System;

namespace NewBuffer.Format;

internal sealed class PadCode : FormatCode
{
    public PadCode(char code)
        : base(code, 1, 1, FormatValueKind.Pad)
    {
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer) =>
        throw new NotSupportedException("'x' is a pad byte and holds no value.");

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        destination[0] = 0;
        error = default;
        return true;
    }
}
