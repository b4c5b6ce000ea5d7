// The one place where core errors become Python exceptions: the factory the core throws through
// (installed once, when newbuffer or _testbuffer is loaded), so the core raises Python's
// BufferError, ValueError, TypeError, ... directly, with CPython's messages, and no entry point
// catches and re-raises. struct.error belongs to a runtime (each creates its own when _struct is
// imported); the factory has none at hand, so a Struct error thrown by the core is the first
// runtime's struct.error. Code that raises struct.error to Python (_testbuffer) uses the codec's
// Try methods and raises it with its own context (Create with a context).
using System;
using IronPython.Runtime;
using IronPython.Runtime.Exceptions;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Format;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using PythonBufferError = IronPython.Runtime.Exceptions.BufferException;

namespace NewBuffer.IronPython;

internal static class PythonErrors
{
    private static readonly IBufferErrorFactory s_factory = new Factory();

    /// <summary>Makes the core throw Python exceptions (idempotent; process-wide).</summary>
    public static void Install() => BufferErrors.Factory = s_factory;

    /// <summary>The Python exception for an error of <paramref name="kind"/>; <paramref name="context"/> picks the runtime's struct.error.</summary>
    public static Exception Create(CodeContext? context, BufferErrorKind kind, string message) => kind switch
    {
        BufferErrorKind.Buffer => new PythonBufferError(message),
        BufferErrorKind.Value => new ValueErrorException(message),
        BufferErrorKind.Type => new TypeErrorException(message),
        BufferErrorKind.Index => PythonOps.IndexError("{0}", message),
        BufferErrorKind.Overflow => PythonOps.OverflowError("{0}", message),
        BufferErrorKind.NotImplemented => PythonOps.NotImplementedError("{0}", message),
        BufferErrorKind.Struct => StructError(context, message),
        BufferErrorKind.Memory => PythonOps.CreateThrowable(PythonExceptions.MemoryError, message),
        _ => new ValueErrorException(message),
    };

    /// <summary>The Python exception for a value the codec refused, in <paramref name="context"/>'s runtime.</summary>
    public static Exception Create(CodeContext context, FormatError error) => Create(context, error.Kind, error.Message);

    public static Exception BufferError(string message) => new PythonBufferError(message);

    public static Exception ValueError(string message) => new ValueErrorException(message);

    public static Exception TypeError(string message) => new TypeErrorException(message);

    public static Exception AttributeError(string message) => new AttributeErrorException(message);

    /// <summary>struct.error with <paramref name="message"/>.</summary>
    public static Exception StructError(CodeContext? context, string message) =>
        PythonOps.CreateThrowable(StructErrorType(context), message);

    /// <summary>struct.error: IronPython's own class (its _struct module creates it under the same key), shared
    /// by IronPython's struct, newbuffer.struct and the memoryview codec, whichever is imported first.</summary>
    public static PythonType StructErrorType(CodeContext? context)
    {
        context ??= DefaultContext.Default;
        return context.LanguageContext.EnsureModuleException("structerror", new PythonDictionary(), "error", "struct");
    }

    /// <summary>
    /// <paramref name="error"/> as raised in <paramref name="context"/>'s runtime: the core's factory has no
    /// runtime at hand, so its struct.error is the default runtime's; code that raises struct.error to a
    /// program (newbuffer.struct) passes it through here so <c>except struct.error</c> catches it in every engine.
    /// </summary>
    public static Exception InRuntime(CodeContext context, Exception error)
    {
        PythonType ours = StructErrorType(context);
        return PythonExceptions.ToPython(error) is { } raised
            && DynamicHelpers.GetPythonType(raised) is var type && type != ours && type == StructErrorType(null)
            ? StructError(context, PythonOps.ToString(raised))
            : error;
    }

    /// <summary>Reports an exception that cannot be raised (a release callback failed), as CPython's unraisable hook does.</summary>
    public static void ReportUnraisable(CodeContext context, Exception error, object? where)
    {
        try
        {
            PythonContext python = context.LanguageContext;
            object stderr = PythonOps.GetBoundAttr(context, python.SystemState, "stderr");
            string message = "Exception ignored in: " + PythonOps.Repr(context, where) + Environment.NewLine + python.FormatException(error).TrimEnd();
            PythonOps.PrintWithDest(context, stderr, message);
        }
        catch (Exception)
        {
            // Reporting must never fail the release it reports on.
        }
    }

    /// <summary>The Python name of an object's type, for messages.</summary>
    /// <remarks>IronPython represents small ints as Int32 but calls their type "int" (its PythonOps.GetPythonTypeName does the same).</remarks>
    public static string TypeName(object? value) =>
        value is int ? "int" : PythonType.Get__name__(DynamicHelpers.GetPythonType(value));

    /// <summary>The message of a broken rule, with what a Python exporter most likely did wrong where that is plain.</summary>
    /// <remarks>A Py_buffer filled by _get_buffer starts at ndim 0, a single item; exporters that set len for
    /// many items and forget ndim break the len rule, and CPython's message alone does not say why.</remarks>
    public static string WithHint(ViewError error) =>
        error.Rule == ViewRule.LenMismatch && error.NDim == 0
            ? error.Message + " (ndim was left at 0, which makes the view a single item: set view.ndim and view.shape for more)"
            : error.Message;

    private sealed class Factory : IBufferErrorFactory
    {
        public Exception Create(BufferErrorKind kind, string message) => PythonErrors.Create(null, kind, message);

        public Exception Create(ViewError error) => PythonErrors.Create(null, error.Kind, WithHint(error));
    }
}
