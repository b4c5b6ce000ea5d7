// The default boxer: plain CLR values (long, ulong, double, bool, byte[], object?[]), with shared
// boxes for small integers and booleans.
namespace NewBuffer.Format;

/// <summary>Boxes unpacked values as CLR primitives.</summary>
public sealed class ClrValueBoxer : IValueBoxer
{
    private ClrValueBoxer()
    {
    }

    /// <summary>The one instance.</summary>
    public static ClrValueBoxer Instance { get; } = new();

    /// <inheritdoc/>
    public object? Integer(long value) => BoxCache.Box(value);

    /// <inheritdoc/>
    public object? Unsigned(ulong value) => BoxCache.Box(value);

    /// <inheritdoc/>
    public object? Float(double value) => value;

    /// <inheritdoc/>
    public object? Bool(bool value) => BoxCache.Box(value);

    /// <inheritdoc/>
    public object? Bytes(byte[] value) => value;

    /// <inheritdoc/>
    public object? Tuple(object?[] values) => values;
}
