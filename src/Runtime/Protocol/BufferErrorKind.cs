// Which kind of failure a core error is. The core never names host exception types; a host's
// IBufferErrorFactory maps each kind to its own exception in one place (the IronPython module maps
// them to BufferError, ValueError, TypeError, ... so messages can stay CPython's text).
namespace NewBuffer.Protocol;

/// <summary>The category of a <see cref="BufferException"/>, mirroring the exception CPython raises.</summary>
public enum BufferErrorKind
{
    /// <summary>A request the exporter cannot answer, or a lifetime conflict (CPython: BufferError).</summary>
    Buffer,

    /// <summary>A bad value or an invalid view (CPython: ValueError).</summary>
    Value,

    /// <summary>An argument of the wrong type or an operation the object does not support (CPython: TypeError).</summary>
    Type,

    /// <summary>An index outside a dimension (CPython: IndexError).</summary>
    Index,

    /// <summary>A number outside the range a field can hold (CPython: OverflowError).</summary>
    Overflow,

    /// <summary>A valid request the implementation does not support (CPython: NotImplementedError).</summary>
    NotImplemented,

    /// <summary>A malformed struct format or a value the format cannot pack (CPython: struct.error).</summary>
    Struct,

    /// <summary>A result too large to allocate, e.g. tobytes() of a huge zero-stride view (CPython: MemoryError).</summary>
    Memory,
}
