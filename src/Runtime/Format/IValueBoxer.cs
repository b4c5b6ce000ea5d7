// How unpacked values become host objects. The codec decodes bytes into primitives and hands each
// to the boxer, so a host builds its own objects (IronPython's Int32-or-BigInteger ints, its bytes
// and tuples) directly, with no intermediate CLR box per item on the tolist() hot path.
namespace NewBuffer.Format;

/// <summary>Turns decoded primitive values into the host's objects.</summary>
public interface IValueBoxer
{
    /// <summary>A signed integer ('b' 'h' 'i' 'l' 'q' 'n').</summary>
    object? Integer(long value);

    /// <summary>An unsigned integer ('B' 'H' 'I' 'L' 'Q' 'N' 'P').</summary>
    object? Unsigned(ulong value);

    /// <summary>A float ('e' 'f' 'd').</summary>
    object? Float(double value);

    /// <summary>A bool ('?').</summary>
    object? Bool(bool value);

    /// <summary>A byte string ('c' 's' 'p'); the array is new and the host may keep it.</summary>
    object? Bytes(byte[] value);

    /// <summary>The values of a multi-value format, already boxed; the array is new and the host may keep it.</summary>
    object? Tuple(object?[] values);
}
