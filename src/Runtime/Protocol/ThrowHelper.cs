// Throw helpers keep hot methods small (dotnet/runtime's System.Memory does the same): the JIT
// inlines a method more readily when the throw and its message formatting live elsewhere. Every
// exception comes from the installed factory (BufferErrors), so a host gets its own exceptions.
using System.Diagnostics.CodeAnalysis;

namespace NewBuffer.Protocol;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Throw(BufferErrorKind kind, string message) => throw BufferErrors.Create(kind, message);

    [DoesNotReturn]
    public static T Throw<T>(BufferErrorKind kind, string message) => throw BufferErrors.Create(kind, message);

    [DoesNotReturn]
    public static void ThrowBuffer(string message) => throw BufferErrors.Create(BufferErrorKind.Buffer, message);

    [DoesNotReturn]
    public static void ThrowValue(string message) => throw BufferErrors.Create(BufferErrorKind.Value, message);

    [DoesNotReturn]
    public static void ThrowType(string message) => throw BufferErrors.Create(BufferErrorKind.Type, message);

    [DoesNotReturn]
    public static void ThrowIndex(string message) => throw BufferErrors.Create(BufferErrorKind.Index, message);

    [DoesNotReturn]
    public static void ThrowStruct(string message) => throw BufferErrors.Create(BufferErrorKind.Struct, message);
}
