// bytes.hex(sep, bytes_per_sep) as CPython's _Py_strhex_with_sep: a separator every
// |bytes_per_sep| bytes, counted from the right for a positive count and from the left for a
// negative one. A result longer than a .NET string can be is a MemoryError, as in CPython.
using System;
using System.Text;
using IronPython.Runtime;

namespace NewBuffer.IronPython.Views;

internal static class HexFormat
{
    /// <summary>The hex of the <paramref name="length"/> bytes <paramref name="read"/> returns, read only after the
    /// separator is checked and the result is known to fit in a str.</summary>
    public static string Format(long length, Func<byte[]> read, object? sep, int bytesPerSep)
    {
        string? separator = sep switch
        {
            null => null,
            string s => s,
            Bytes b => Encoding.Latin1.GetString(PythonValues.ToArray(b)),
            _ => throw PythonErrors.TypeError("sep must be str or bytes."),
        };
        if (separator is not null && separator.Length != 1)
        {
            throw PythonErrors.ValueError("sep must be length 1.");
        }

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

        byte[] data = read();
        string hex = Lower(data);
        if (!separated || separator is null)
        {
            return hex;
        }

        var result = new StringBuilder(hex.Length + (int)(data.Length / group));
        for (int i = 0; i < data.Length; i++)
        {
            // Positive: groups end at the right edge, so the first group may be short.
            bool boundary = bytesPerSep > 0 ? i > 0 && (data.Length - i) % group == 0 : i > 0 && i % group == 0;
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
    private static string Lower(byte[] data) => string.Create(data.Length * 2, data, static (chars, bytes) =>
    {
        const string digits = "0123456789abcdef";
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }
    });
}
