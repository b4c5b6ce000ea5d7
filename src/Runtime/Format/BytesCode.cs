// The 's' and 'p' rows. Their repeat count is a length, so the field is the whole span handed to
// Pack/Unpack. 's' truncates or zero-pads; 'p' (Pascal string) stores min(n, count-1, 255) in
// its first byte and at most count-1 data bytes, and reads the length byte capped at count-1.
// A zero-length field packs nothing and unpacks b'' (CPython 3.13 behaves so too).
using System;

namespace NewBuffer.Format;

internal sealed class BytesCode : FormatCode
{
    public BytesCode(char code, FormatValueKind kind)
        : base(code, 1, 1, kind)
    {
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer)
    {
        if (Kind == FormatValueKind.Bytes)
            return boxer.Bytes(source.ToArray());
        if (source.IsEmpty)
            return boxer.Bytes([]);
        int length = Math.Min(source[0], source.Length - 1);
        return boxer.Bytes(source.Slice(1, length).ToArray());
    }

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        if (!PackArgument.TryGetBytes(value, out ReadOnlySpan<byte> data))
        {
            error = FormatError.Struct(Kind == FormatValueKind.Bytes ? FormatMessages.BytesNeeded : FormatMessages.PascalBytesNeeded);
            return false;
        }

        if (Kind == FormatValueKind.Bytes)
        {
            int count = Math.Min(data.Length, destination.Length);
            data[..count].CopyTo(destination);
            destination[count..].Clear();
        }
        else if (!destination.IsEmpty)
        {
            int count = Math.Min(data.Length, destination.Length - 1);
            data[..count].CopyTo(destination[1..]);
            destination[(count + 1)..].Clear();
            destination[0] = (byte)Math.Min(count, byte.MaxValue);
        }

        error = default;
        return true;
    }
}
