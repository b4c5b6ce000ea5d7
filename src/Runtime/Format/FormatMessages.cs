// The table of struct.error texts, copied from CPython 3.13 `Modules/_struct.c` and checked
// against `python3.13 -c "import struct; ..."`. Every message the codec raises is built here, so a
// host that searches for CPython's text finds exactly one place.
using System.Globalization;

namespace NewBuffer.Format;

internal static class FormatMessages
{
    public const string BadChar = "bad char in struct format";
    public const string RepeatWithoutCode = "repeat count given without format specifier";
    public const string TooLong = "total struct size too long";
    public const string EmbeddedNull = "embedded null character";

    public const string NotAnInteger = "required argument is not an integer";
    public const string NotAFloat = "required argument is not a float";
    public const string IntTooLarge = "int too large to convert";
    public const string CharNeedsOneByte = "char format requires a bytes object of length 1";
    public const string BytesNeeded = "argument for 's' must be a bytes object";
    public const string PascalBytesNeeded = "argument for 'p' must be a bytes object";

    public static string Range(char code, System.Int128 min, System.Int128 max) =>
        string.Create(CultureInfo.InvariantCulture, $"'{code}' format requires {min} <= number <= {max}");

    public static string FloatTooLarge(char code) => $"float too large to pack with {code} format";

    public static string UnpackSize(long size) =>
        string.Create(CultureInfo.InvariantCulture, $"unpack requires a buffer of {size} bytes");

    public static string PackCount(long expected, long actual) =>
        string.Create(CultureInfo.InvariantCulture, $"pack expected {expected} items for packing (got {actual})");
}
