// What the verifier found: the rule, the host exception kind, and a message naming the problem
// (CPython's text where CPython has one).
using NewBuffer.Protocol;

namespace NewBuffer.Validation;

/// <summary>A broken rule and its message.</summary>
public sealed class ViewError
{
    internal ViewError(ViewRule rule, BufferErrorKind kind, string message)
    {
        Rule = rule;
        Kind = kind;
        Message = message;
    }

    /// <summary>Which rule broke.</summary>
    public ViewRule Rule { get; }

    /// <summary>The kind of exception a host raises for it.</summary>
    public BufferErrorKind Kind { get; }

    /// <summary>The message, prefixed with the consumer's name.</summary>
    public string Message { get; }

    /// <summary>This error as an exception to throw, from the installed factory (the core's own: an <see cref="InvalidViewException"/>).</summary>
    public System.Exception ToException() => BufferErrors.Create(this);

    /// <inheritdoc/>
    public override string ToString() => $"{Rule}: {Message}";
}
