// The exception for a view that breaks a rule; it keeps the rule so callers can branch on it.
using NewBuffer.Protocol;

namespace NewBuffer.Validation;

/// <summary>A view, or an exporter's answer to a request, broke a rule of the protocol.</summary>
public sealed class InvalidViewException : BufferException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public InvalidViewException(ViewError error)
        : base(error?.Kind ?? BufferErrorKind.Value, error?.Message ?? string.Empty)
    {
        Error = error!;
    }

    /// <summary>The broken rule.</summary>
    public ViewError Error { get; }

    /// <summary>Which rule broke.</summary>
    public ViewRule Rule => Error.Rule;
}
