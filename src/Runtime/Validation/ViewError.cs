// What the verifier found: the rule, the host exception kind, a message naming the problem
// (CPython's text where CPython has one), and the view's ndim where the rule depends on it, so a host
// can add a hint in its own terms (a Python exporter that never set ndim) without parsing messages.
using NewBuffer.Protocol;

namespace NewBuffer.Validation;

/// <summary>A broken rule and its message.</summary>
public sealed class ViewError
{
    internal ViewError(ViewRule rule, BufferErrorKind kind, string message, int? ndim = null)
    {
        Rule = rule;
        Kind = kind;
        Message = message;
        NDim = ndim;
    }

    /// <summary>Which rule broke.</summary>
    public ViewRule Rule { get; }

    /// <summary>The kind of exception a host raises for it.</summary>
    public BufferErrorKind Kind { get; }

    /// <summary>The message, prefixed with the consumer's name.</summary>
    public string Message { get; }

    /// <summary>The view's <c>ndim</c> when the rule depends on it (<see cref="ViewRule.LenMismatch"/>), otherwise null.</summary>
    public int? NDim { get; }

    /// <summary>This error as an exception to throw, from the installed factory (the core's own: an <see cref="InvalidViewException"/>).</summary>
    public System.Exception ToException() => BufferErrors.Create(this);

    /// <inheritdoc/>
    public override string ToString() => $"{Rule}: {Message}";
}
