// The one place where core errors become Python exceptions. Every Python-visible entry point
// that calls into the core lets BufferException through to here (Raise) so messages stay CPython's
// and kinds map the same way everywhere.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Exceptions;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Protocol;
using CoreBufferException = NewBuffer.Protocol.BufferException;
using PythonBufferError = IronPython.Runtime.Exceptions.BufferException;

namespace NewBuffer.IronPython;

internal static class PythonErrors
{
    /// <summary>The Python exception for a core error.</summary>
    public static Exception Raise(CodeContext? context, CoreBufferException error) => error.Kind switch
    {
        BufferErrorKind.Buffer => new PythonBufferError(error.Message),
        BufferErrorKind.Value => new ValueErrorException(error.Message),
        BufferErrorKind.Type => new TypeErrorException(error.Message),
        BufferErrorKind.Index => PythonOps.IndexError("{0}", error.Message),
        BufferErrorKind.Overflow => PythonOps.OverflowError("{0}", error.Message),
        BufferErrorKind.NotImplemented => PythonOps.NotImplementedError("{0}", error.Message),
        BufferErrorKind.Struct => StructError(context, error.Message),
        BufferErrorKind.Memory => PythonOps.CreateThrowable(PythonExceptions.MemoryError, error.Message),
        _ => new ValueErrorException(error.Message),
    };

    public static Exception BufferError(string message) => new PythonBufferError(message);

    public static Exception ValueError(string message) => new ValueErrorException(message);

    public static Exception TypeError(string message) => new TypeErrorException(message);

    public static Exception AttributeError(string message) => PythonOps.AttributeError("{0}", message);

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
}
