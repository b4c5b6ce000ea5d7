// Parses a struct format string exactly as CPython 3.13 `_struct.c` prepare_s/whichtable/getentry
// do, reporting the first error in the same order CPython meets it: an embedded NUL, then, left
// to right, a repeat-count overflow, a count without a code, an unknown character, an alignment or
// size overflow. Sizes are limited to FormatTable.Abi.MaxSize (nint.MaxValue, like Py_ssize_t,
// unless the host says otherwise). A format is read as the bytes
// of a Py_buffer format: a non-ASCII character is a bad char (CPython says the same for bytes;
// for a str it raises UnicodeEncodeError before parsing).
// Reports an error message instead of throwing so TryParse costs no exception.
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace NewBuffer.Format;

internal static class FormatParser
{
    public static bool TryParse(string text, [NotNullWhen(true)] out StructFormat? result, [NotNullWhen(false)] out string? error)
    {
        if (text.Contains('\0', System.StringComparison.Ordinal))
            return Fail(out result, out error, FormatMessages.EmbeddedNull);

        long maxSize = FormatTable.Abi.MaxSize;
        int position = 0;
        FormatMode mode = ReadMode(text, ref position);
        var items = new List<FormatItem>();
        long size = 0;
        long valueCount = 0;

        while (position < text.Length)
        {
            char c = text[position++];
            if (IsSpace(c))
                continue;

            long count = 1;
            if (IsDigit(c))
            {
                count = c - '0';
                while (position < text.Length && IsDigit(c = text[position++]))
                {
                    int digit = c - '0';
                    if (count > (maxSize - digit) / 10)
                        return Fail(out result, out error, FormatMessages.TooLong);
                    count = (count * 10) + digit;
                }

                if (IsDigit(c))
                    return Fail(out result, out error, FormatMessages.RepeatWithoutCode);
            }

            FormatCode? code = FormatTable.Find(c, mode);
            if (code is null)
                return Fail(out result, out error, FormatMessages.BadChar);

            if (mode == FormatMode.Native && size > 0)
            {
                long extra = (code.Alignment - 1) - ((size - 1) % code.Alignment);
                if (extra > maxSize - size)
                    return Fail(out result, out error, FormatMessages.TooLong);
                size += extra;
            }

            if (count > (maxSize - size) / code.Size)
                return Fail(out result, out error, FormatMessages.TooLong);

            switch (code.Kind)
            {
                case FormatValueKind.Pad:
                    break;
                case FormatValueKind.Bytes or FormatValueKind.PascalBytes:
                    items.Add(new FormatItem(code, size, 1, count));
                    valueCount++;
                    break;
                default:
                    if (count > 0)
                        items.Add(new FormatItem(code, size, count, code.Size));
                    valueCount += count;
                    break;
            }

            size += count * code.Size;
        }

        result = new StructFormat(text, mode, size, valueCount, items.ToArray());
        error = null;
        return true;
    }

    private static FormatMode ReadMode(string text, ref int position)
    {
        if (text.Length == 0)
            return FormatMode.Native;
        FormatMode? mode = text[0] switch
        {
            '@' => FormatMode.Native,
            '=' => FormatMode.NativeOrderStandardSize,
            '<' => FormatMode.LittleEndian,
            '>' or '!' => FormatMode.BigEndian,
            _ => null,
        };
        if (mode is null)
            return FormatMode.Native;
        position = 1;
        return mode.Value;
    }

    /// <summary>C's isspace in the "C" locale, which CPython's Py_ISSPACE matches.</summary>
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool Fail(out StructFormat? result, [NotNullWhen(false)] out string? error, string message)
    {
        result = null;
        error = message;
        return false;
    }
}
