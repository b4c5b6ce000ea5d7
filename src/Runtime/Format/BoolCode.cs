// The '?' row: one byte, written as 0 or 1 from the value's Python-style truth (CPython uses
// PyObject_IsTrue, so any object packs), read as true for any nonzero byte.
using System;

namespace NewBuffer.Format;

internal sealed class BoolCode : FormatCode
{
    public BoolCode(char code, int size, int alignment)
        : base(code, size, alignment, FormatValueKind.Bool)
    {
    }

    public override object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer) => boxer.Bool(source[0] != 0);

    internal override bool TryReadNumber(ReadOnlySpan<byte> source, bool littleEndian, out Number value)
    {
        value = Number.Signed(source[0] != 0 ? 1 : 0);
        return true;
    }

    public override bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error)
    {
        destination[0] = PackArgument.IsTrue(value) ? (byte)1 : (byte)0;
        error = default;
        return true;
    }
}
