// The factory the core throws through (see IBufferErrorFactory): the host's once it installed one,
// else the core's own, which throws BufferException (InvalidViewException for a broken rule, so
// callers can branch on the rule). Installing is process-wide and idempotent; every throw in the
// core reads the factory at the moment it throws.
using System;
using System.Threading;
using NewBuffer.Validation;

namespace NewBuffer.Protocol;

/// <summary>The process-wide <see cref="IBufferErrorFactory"/>.</summary>
public static class BufferErrors
{
    private static IBufferErrorFactory s_factory = CoreFactory.Instance;

    /// <summary>The core's own factory: <see cref="BufferException"/>, and <see cref="InvalidViewException"/> for a broken rule.</summary>
    public static IBufferErrorFactory Default => CoreFactory.Instance;

    /// <summary>The factory the core throws through; set it once at host start-up (null restores <see cref="Default"/>).</summary>
    public static IBufferErrorFactory Factory
    {
        get => Volatile.Read(ref s_factory);
        set => Volatile.Write(ref s_factory, value ?? CoreFactory.Instance);
    }

    /// <summary>The exception for an error of <paramref name="kind"/>, from the installed factory.</summary>
    public static Exception Create(BufferErrorKind kind, string message) => Factory.Create(kind, message);

    /// <summary>The exception for a broken rule, from the installed factory.</summary>
    public static Exception Create(ViewError error) => Factory.Create(error);

    /// <summary>"1 exported buffer", "2 exported buffers": how CPython counts outstanding exports in the BufferError of an
    /// object that cannot be released or changed while exported (memoryview.release, ndarray.push...).</summary>
    public static string ExportedBuffers(long count) => $"{count} exported buffer{(count == 1 ? string.Empty : "s")}";

    private sealed class CoreFactory : IBufferErrorFactory
    {
        public static readonly CoreFactory Instance = new();

        public Exception Create(BufferErrorKind kind, string message) => new BufferException(kind, message);

        public Exception Create(ViewError error) => new InvalidViewException(error);
    }
}
