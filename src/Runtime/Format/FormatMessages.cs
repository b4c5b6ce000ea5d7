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

    public const string IterateEmpty = "cannot iteratively unpack with a struct of length 0";

    public static string IterateMultiple(long size) =>
        string.Create(CultureInfo.InvariantCulture, $"iterative unpacking requires a buffer of a multiple of {size} bytes");

    public static string OffsetOutOfRange(long offset, long length) =>
        string.Create(CultureInfo.InvariantCulture, $"offset {offset} out of range for {length}-byte buffer");

    public static string NoSpaceToPack(long size, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"no space to pack {size} bytes at offset {offset}");

    public static string NotEnoughToUnpack(long size, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"not enough data to unpack {size} bytes at offset {offset}");

    // CPython computes "at least" as size_t, so an offset near PY_SSIZE_T_MAX prints unsigned.
    public static string PackIntoTooSmall(long size, long offset, long length) => string.Create(CultureInfo.InvariantCulture,
        $"pack_into requires a buffer of at least {(ulong)size + (ulong)offset} bytes for packing {size} bytes at offset {offset} (actual buffer size is {length})");

    public static string UnpackFromTooSmall(long size, long offset, long length) => string.Create(CultureInfo.InvariantCulture,
        $"unpack_from requires a buffer of at least {(ulong)size + (ulong)offset} bytes for unpacking {size} bytes at offset {offset} (actual buffer size is {length})");

    public static string PackIntoCount(long expected, long actual) =>
        string.Create(CultureInfo.InvariantCulture, $"pack_into expected {expected} items for packing (got {actual})");

    public static string PackCount(long expected, long actual) =>
        string.Create(CultureInfo.InvariantCulture, $"pack expected {expected} items for packing (got {actual})");
}
