// How the core creates the exceptions it throws. The core is host-neutral: it knows the kind of
// each error (BufferErrorKind, mirroring the exception CPython raises) and CPython's message, never
// the host's exception types. A host installs its factory once (BufferErrors.Factory) and the core
// then throws the host's exceptions directly from wherever the fault is found - one error boundary,
// as IronPython's own modules raise Python exceptions where they fail, instead of catching and
// re-raising at every entry point. Without a host the default throws the core's BufferException.
using System;
using NewBuffer.Validation;

namespace NewBuffer.Protocol;

/// <summary>Creates the exception the core throws for an error a caller can cause.</summary>
public interface IBufferErrorFactory
{
    /// <summary>The exception for an error of <paramref name="kind"/> with <paramref name="message"/> (CPython's text where it has one).</summary>
    Exception Create(BufferErrorKind kind, string message);

    /// <summary>The exception for a view that broke a rule; by default the exception for its kind and message.</summary>
    Exception Create(ViewError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Create(error.Kind, error.Message);
    }
}
