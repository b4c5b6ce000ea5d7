// One row of the format table: a format character with its size, alignment and codec for one
// value (CPython `_struct.c`'s formatdef {format, size, alignment, unpack, pack}). Rows are
// immutable singletons created only by FormatTable; the subclasses are sealed per value kind so
// the per-element call in memoryview.tolist() is one virtual call with no allocation beyond the
// boxed result. Byte order is a parameter rather than a separate row set: the order is a property
// of the whole format, not of a character.
using System;

namespace NewBuffer.Format;

/// <summary>
/// A struct format character as one table row: its size, alignment, kind and codec
/// (<see href="https://docs.python.org/3/library/struct.html#format-characters"/>).
/// </summary>
public abstract class FormatCode
{
    private protected FormatCode(char code, int size, int alignment, FormatValueKind kind)
    {
        Code = code;
        Size = size;
        Alignment = alignment;
        Kind = kind;
    }

    /// <summary>The format character, e.g. <c>'i'</c>.</summary>
    public char Code { get; }

    /// <summary>Bytes one value occupies; for <c>'s'</c> and <c>'p'</c> the size per unit of the repeat count (1).</summary>
    public int Size { get; }

    /// <summary>The alignment a native format pads to before this code; 1 in standard modes.</summary>
    public int Alignment { get; }

    /// <summary>What the code stands for, and so which CLR type <see cref="Unpack(ReadOnlySpan{byte}, bool)"/> returns.</summary>
    public FormatValueKind Kind { get; }

    /// <summary>
    /// Decodes one value from the first <see cref="Size"/> bytes of <paramref name="source"/>
    /// (for <c>'s'</c> and <c>'p'</c> the whole span is the field). Returns <see cref="long"/>,
    /// <see cref="ulong"/>, <see cref="bool"/>, <see cref="double"/> or a new <c>byte[]</c> as
    /// <see cref="Kind"/> says.
    /// </summary>
    public object Unpack(ReadOnlySpan<byte> source, bool littleEndian) => Unpack(source, littleEndian, ClrValueBoxer.Instance)!;

    /// <summary>Decodes one value as <see cref="Unpack(ReadOnlySpan{byte}, bool)"/> does, handing it to <paramref name="boxer"/>.</summary>
    public abstract object? Unpack(ReadOnlySpan<byte> source, bool littleEndian, IValueBoxer boxer);

    /// <summary>Whether the code holds a number (an integer, pointer, float or bool), readable with <see cref="TryReadNumber"/>.</summary>
    internal bool IsNumber => Kind is FormatValueKind.SignedInteger or FormatValueKind.UnsignedInteger
        or FormatValueKind.Pointer or FormatValueKind.Float or FormatValueKind.Bool;

    /// <summary>Reads a numeric value without boxing; false for codes that are not numbers ('c', 's', 'p', 'x').</summary>
    internal virtual bool TryReadNumber(ReadOnlySpan<byte> source, bool littleEndian, out Number value)
    {
        value = default;
        return false;
    }

    /// <summary>
    /// Encodes <paramref name="value"/> into the first <see cref="Size"/> bytes of
    /// <paramref name="destination"/> (for <c>'s'</c> and <c>'p'</c> the whole span). The value is
    /// checked before anything is written, so a rejected value leaves the destination untouched.
    /// </summary>
    /// <exception cref="Protocol.BufferException">The value has the wrong type or is out of range (CPython's message).</exception>
    public void Pack(Span<byte> destination, object? value, bool littleEndian)
    {
        if (!TryPack(destination, value, littleEndian, out FormatError error))
        {
            throw error.ToException();
        }
    }

    /// <summary>
    /// <see cref="Pack"/> without throwing: false, with the error and nothing written, when the value
    /// has the wrong type or is out of range.
    /// </summary>
    public abstract bool TryPack(Span<byte> destination, object? value, bool littleEndian, out FormatError error);

    /// <inheritdoc/>
    public override string ToString() => $"'{Code}' ({Kind}, {Size} bytes)";
}
