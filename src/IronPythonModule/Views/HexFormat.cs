// bytes.hex(sep, bytes_per_sep) as CPython's _Py_strhex_with_sep: a separator every
// |bytes_per_sep| bytes, counted from the right for a positive count and from the left for a
// negative one. A result longer than a .NET string can be is a MemoryError, as in CPython. As
// CPython's memory_hex, a C-contiguous view is read in place; only another is copied out first
// (a copy of a large view is one more large-object allocation, and those bring full collections).
using System;
using System.Text;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Memory;

namespace NewBuffer.IronPython.Views;

internal static class HexFormat
{
    /// <summary>The hex of the <paramref name="length"/> bytes at the pointer <paramref name="read"/> returns, called
    /// only after the separator is checked and the result is known to fit in a str.</summary>
    public static string Format(long length, Func<BufferPointer> read, object? sep, int bytesPerSep)
    {
        // CPython's order: the separator's len() first (a TypeError for an object without one), then
        // its length, then its type.
        if (sep is not null && PythonOps.Length(sep) != 1)
        {
            throw PythonErrors.ValueError("sep must be length 1.");
        }

        string? separator = sep switch
        {
            null => null,
            string s => s,
            Bytes b => Encoding.Latin1.GetString(PythonValues.ToArray(b)),
            _ => throw PythonErrors.TypeError("sep must be str or bytes."),
        };

        if (separator is not null && separator[0] > 127)
        {
            throw PythonErrors.ValueError("sep must be ASCII.");
        }

        // As a long: the magnitude of int.MinValue does not fit in an int.
        long group = Math.Abs((long)bytesPerSep);
        bool separated = separator is not null && bytesPerSep != 0 && length > 0;
        long chars = (2L * length) + (separated ? (length - 1) / group : 0);
        if (chars > MaxStringLength)
        {
            // CPython's _Py_strhex: a result past its size limit is a MemoryError.
            throw PythonErrors.Create(null, NewBuffer.Protocol.BufferErrorKind.Memory, $"hex() of {length} bytes needs a str of {chars} characters, longer than a str can be");
        }

        // Fits in an int: a str of fewer than 2**30 characters holds it.
        int count = (int)length;
        string hex = Lower(read(), count);
        if (!separated || separator is null)
        {
            return hex;
        }

        var result = new StringBuilder((int)chars);
        for (int i = 0; i < count; i++)
        {
            // Positive: groups end at the right edge, so the first group may be short.
            bool boundary = bytesPerSep > 0 ? i > 0 && (count - i) % group == 0 : i > 0 && i % group == 0;
            if (boundary)
            {
                result.Append(separator[0]);
            }

            result.Append(hex, i * 2, 2);
        }

        return result.ToString();
    }

    // The longest .NET string (string.Length is an int, and the runtime caps it a little lower).
    private const int MaxStringLength = 0x3FFFFFDF;

    // Lower-case hex straight into the string (Convert.ToHexStringLower needs .NET 9).
    private static string Lower(BufferPointer bytes, int count) => string.Create(count * 2, (bytes, count), static (chars, state) =>
    {
        const string digits = "0123456789abcdef";
        ReadOnlySpan<byte> data = state.bytes.Slice(state.count);
        for (int i = 0; i < data.Length; i++)
        {
            chars[2 * i] = digits[data[i] >> 4];
            chars[(2 * i) + 1] = digits[data[i] & 0xF];
        }
    });
}
