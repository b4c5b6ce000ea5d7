// One run of values in a parsed format, as CPython `_struct.c` keeps its formatcode
// {fmtdef, offset, size, repeat}: "10i" is one item with Repeat 10, not ten items, so a format
// like "1000000B" parses in constant space. Pad bytes ('x') get no item; "0i" gets none either,
// while "0s" gets one (it still yields an empty bytes value).
namespace NewBuffer.Format;

/// <summary>A run of <see cref="Repeat"/> values of one code, laid out back to back from <see cref="Offset"/>.</summary>
/// <param name="Code">The table row that packs and unpacks each value.</param>
/// <param name="Offset">Byte offset of the first value from the start of the format.</param>
/// <param name="Repeat">How many values the run holds (always 1 for <c>'s'</c> and <c>'p'</c>).</param>
/// <param name="FieldSize">Bytes per value: the code's size, or the repeat count given to <c>'s'</c>/<c>'p'</c>.</param>
public readonly record struct FormatItem(FormatCode Code, long Offset, long Repeat, long FieldSize);
