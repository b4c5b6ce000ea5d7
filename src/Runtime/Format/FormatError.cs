// What the codec reports when it refuses a value: the kind of error and CPython's message. The
// Try methods return it instead of throwing, so a host decides how (and with what context) to raise
// it - struct.error for _testbuffer, memoryview's own ValueError for memoryview assignment.
using NewBuffer.Protocol;

namespace NewBuffer.Format;

/// <summary>A value the codec refused: the error kind (Struct, or Overflow for a float too large) and its message.</summary>
/// <param name="Kind">The kind of error CPython's struct module raises for it.</param>
/// <param name="Message">CPython's message.</param>
public readonly record struct FormatError(BufferErrorKind Kind, string Message)
{
    /// <summary>A struct.error with <paramref name="message"/>.</summary>
    internal static FormatError Struct(string message) => new(BufferErrorKind.Struct, message);

    /// <summary>This error as an exception to throw.</summary>
    public System.Exception ToException() => BufferErrors.Create(Kind, Message);
}
