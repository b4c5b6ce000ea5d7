// Throw helpers keep hot methods small (dotnet/runtime's System.Memory does the same): the JIT
// inlines a method more readily when the throw and its message formatting live elsewhere.
using System.Diagnostics.CodeAnalysis;

namespace NewBuffer.Protocol;

internal static class ThrowHelper
{
    /// <summary>The exception for an error of <paramref name="kind"/>, to throw.</summary>
    public static System.Exception Create(BufferErrorKind kind, string message) => new BufferException(kind, message);

    [DoesNotReturn]
    public static void Throw(BufferErrorKind kind, string message) => throw new BufferException(kind, message);

    [DoesNotReturn]
    public static T Throw<T>(BufferErrorKind kind, string message) => throw new BufferException(kind, message);

    [DoesNotReturn]
    public static void ThrowBuffer(string message) => throw new BufferException(BufferErrorKind.Buffer, message);

    [DoesNotReturn]
    public static void ThrowValue(string message) => throw new BufferException(BufferErrorKind.Value, message);

    [DoesNotReturn]
    public static void ThrowType(string message) => throw new BufferException(BufferErrorKind.Type, message);

    [DoesNotReturn]
    public static void ThrowIndex(string message) => throw new BufferException(BufferErrorKind.Index, message);

    [DoesNotReturn]
    public static void ThrowStruct(string message) => throw new BufferException(BufferErrorKind.Struct, message);
}
