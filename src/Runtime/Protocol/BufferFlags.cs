// The PEP 3118 request flags, with CPython's values (PyBUF_* in Include/pybuffer.h and
// inspect.BufferFlags). Composite flags contain the bits of what they imply: STRIDES includes ND,
// every contiguity flag includes STRIDES, INDIRECT includes STRIDES. A request "asks for" a
// composite only when all of its bits are present, which is what BufferRequest tests.
using System;

namespace NewBuffer.Protocol;

/// <summary>What a consumer asks of an exporter (<c>PyBUF_*</c>).</summary>
/// <remarks>See https://docs.python.org/3/c-api/buffer.html#buffer-request-types.</remarks>
[Flags]
public enum BufferFlags
{
    /// <summary>A contiguous, unformatted byte buffer (<c>PyBUF_SIMPLE</c>).</summary>
    Simple = 0,

    /// <summary>The consumer will write (<c>PyBUF_WRITABLE</c>).</summary>
    Writable = 0x0001,

    /// <summary>The consumer wants the struct format (<c>PyBUF_FORMAT</c>).</summary>
    Format = 0x0004,

    /// <summary>The consumer can handle a shape (<c>PyBUF_ND</c>).</summary>
    ND = 0x0008,

    /// <summary>The consumer can handle strides (<c>PyBUF_STRIDES</c>, implies ND).</summary>
    Strides = 0x0010 | ND,

    /// <summary>The buffer must be C-contiguous (<c>PyBUF_C_CONTIGUOUS</c>).</summary>
    CContiguous = 0x0020 | Strides,

    /// <summary>The buffer must be Fortran-contiguous (<c>PyBUF_F_CONTIGUOUS</c>).</summary>
    FContiguous = 0x0040 | Strides,

    /// <summary>The buffer must be C- or Fortran-contiguous (<c>PyBUF_ANY_CONTIGUOUS</c>).</summary>
    AnyContiguous = 0x0080 | Strides,

    /// <summary>The consumer can handle suboffsets (<c>PyBUF_INDIRECT</c>).</summary>
    Indirect = 0x0100 | Strides,

    /// <summary><c>PyBUF_CONTIG</c>.</summary>
    Contig = ND | Writable,

    /// <summary><c>PyBUF_CONTIG_RO</c>.</summary>
    ContigRO = ND,

    /// <summary><c>PyBUF_STRIDED</c>.</summary>
    Strided = Strides | Writable,

    /// <summary><c>PyBUF_STRIDED_RO</c>.</summary>
    StridedRO = Strides,

    /// <summary><c>PyBUF_RECORDS</c>.</summary>
    Records = Strides | Writable | Format,

    /// <summary><c>PyBUF_RECORDS_RO</c>.</summary>
    RecordsRO = Strides | Format,

    /// <summary><c>PyBUF_FULL</c>.</summary>
    Full = Indirect | Writable | Format,

    /// <summary><c>PyBUF_FULL_RO</c>; what CPython's <c>memoryview()</c> asks for.</summary>
    FullRO = Indirect | Format,

    /// <summary><c>PyBUF_READ</c>: only for <c>__buffer__</c> flags and memory views of raw memory.</summary>
    Read = 0x0100,

    /// <summary><c>PyBUF_WRITE</c>: only for <c>__buffer__</c> flags and memory views of raw memory.</summary>
    Write = 0x0200,
}
