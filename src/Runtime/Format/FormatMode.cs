// The byte-order/size/alignment prefix of a struct format (CPython `_struct.c` whichtable): the
// prefix picks the row table and the byte order; it may only be a format's first character.
namespace NewBuffer.Format;

/// <summary>
/// How a struct format lays out its values, chosen by its first character
/// (<see href="https://docs.python.org/3/library/struct.html#byte-order-size-and-alignment"/>).
/// </summary>
public enum FormatMode
{
    /// <summary><c>'@'</c> or no prefix: native byte order, native sizes, native alignment.</summary>
    Native,

    /// <summary><c>'='</c>: native byte order, standard sizes, no alignment.</summary>
    NativeOrderStandardSize,

    /// <summary><c>'&lt;'</c>: little-endian, standard sizes, no alignment.</summary>
    LittleEndian,

    /// <summary><c>'&gt;'</c> or <c>'!'</c> (network order): big-endian, standard sizes, no alignment.</summary>
    BigEndian,
}
