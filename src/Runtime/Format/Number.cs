// A decoded numeric item without a box: the comparison of two views item by item reads both
// sides into Numbers and compares them as Python would (ints exactly across signedness, ints
// against floats exactly, NaN unequal to everything).
using System;

namespace NewBuffer.Format;

/// <summary>A signed, unsigned or floating-point value read from a buffer.</summary>
internal readonly struct Number
{
    private readonly long _signed;
    private readonly ulong _unsigned;
    private readonly double _float;
    private readonly byte _kind;

    private Number(byte kind, long signed, ulong unsigned, double value)
    {
        _kind = kind;
        _signed = signed;
        _unsigned = unsigned;
        _float = value;
    }

    public static Number Signed(long value) => new(0, value, 0, 0);

    public static Number Unsigned(ulong value) => new(1, 0, value, 0);

    public static Number Float(double value) => new(2, 0, 0, value);

    /// <summary>Python's == on two numbers.</summary>
    public bool ValueEquals(Number other) => (_kind, other._kind) switch
    {
        (2, 2) => _float == other._float,
        (2, _) => other.EqualsDouble(_float),
        (_, 2) => EqualsDouble(other._float),
        _ => ToInt128() == other.ToInt128(),
    };

    private Int128 ToInt128() => _kind == 0 ? _signed : _unsigned;

    private bool EqualsDouble(double value) =>
        !double.IsNaN(value) && !double.IsInfinity(value) && Math.Floor(value) == value
        && value >= -1.8e19 && value <= 1.9e19 && (Int128)value == ToInt128();
}
