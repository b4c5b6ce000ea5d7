// The core's own exception for anything a user can cause, thrown when no host installed its own
// factory (BufferErrors.Factory); a host's factory throws the host's exception for the same Kind and
// Message instead. Internal bugs still throw the usual .NET exceptions.
using System;

namespace NewBuffer.Protocol;

/// <summary>A failure a caller can cause: a bad request, an invalid view, a bad format or value.</summary>
public class BufferException : Exception
{
    /// <summary>Creates an error of the given kind; <paramref name="message"/> is CPython's text where it has one.</summary>
    public BufferException(BufferErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates an error of the given kind wrapping another failure.</summary>
    public BufferException(BufferErrorKind kind, string message, Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>The category the host maps to its own exception type.</summary>
    public BufferErrorKind Kind { get; }
}
