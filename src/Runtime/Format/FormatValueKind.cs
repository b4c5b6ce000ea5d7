// What a format character stands for, so callers can reason about a code without switching on
// its character (the characters themselves stay inside this folder).
namespace NewBuffer.Format;

/// <summary>The kind of value a <see cref="FormatCode"/> packs and unpacks.</summary>
public enum FormatValueKind
{
    /// <summary><c>'x'</c>: a pad byte; holds no value.</summary>
    Pad,

    /// <summary><c>'c'</c>: one byte, unpacked as a <c>byte[1]</c>.</summary>
    Char,

    /// <summary><c>'b' 'h' 'i' 'l' 'q' 'n'</c>: a two's-complement integer, unpacked as <see cref="long"/>.</summary>
    SignedInteger,

    /// <summary><c>'B' 'H' 'I' 'L' 'Q' 'N'</c>: an unsigned integer, unpacked as <see cref="ulong"/>.</summary>
    UnsignedInteger,

    /// <summary><c>'?'</c>: a C <c>_Bool</c>, unpacked as <see cref="bool"/> (any nonzero byte is true).</summary>
    Bool,

    /// <summary><c>'e' 'f' 'd'</c>: an IEEE 754 binary16/32/64 number, unpacked as <see cref="double"/>.</summary>
    Float,

    /// <summary><c>'s'</c>: a fixed-length byte string; its repeat count is its length.</summary>
    Bytes,

    /// <summary><c>'p'</c>: a Pascal string, a length byte followed by at most count-1 bytes.</summary>
    PascalBytes,

    /// <summary><c>'P'</c>: a native <c>void*</c>, unpacked as <see cref="ulong"/>.</summary>
    Pointer,
}
