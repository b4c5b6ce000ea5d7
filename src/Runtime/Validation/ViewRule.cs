// Every rule a view can break, so tests and hosts can tell failures apart without parsing messages.
namespace NewBuffer.Validation;

/// <summary>A rule of the buffer protocol that a view, or an exporter's answer, broke.</summary>
public enum ViewRule
{
    /// <summary><c>ndim</c> is negative or above 64.</summary>
    NDimRange,

    /// <summary><c>itemsize</c> is zero or negative.</summary>
    ItemSize,

    /// <summary><c>len</c> is negative.</summary>
    LenNegative,

    /// <summary><c>shape</c> is NULL although <c>ndim</c> is above 1.</summary>
    ShapeMissing,

    /// <summary>A shape entry is negative.</summary>
    ShapeNegative,

    /// <summary>product(shape) * itemsize does not fit in a signed 64-bit size.</summary>
    ShapeTooLarge,

    /// <summary><c>len</c> is not product(shape) * itemsize.</summary>
    LenMismatch,

    /// <summary><c>shape</c>, <c>strides</c> or <c>suboffsets</c> has fewer or more entries than <c>ndim</c>.</summary>
    ArrayLength,

    /// <summary>The format is NULL (unsigned bytes) but <c>itemsize</c> is not 1.</summary>
    FormatMissing,

    /// <summary>The struct size of the format is not <c>itemsize</c>.</summary>
    FormatItemSize,

    /// <summary><c>buf</c> is NULL although the view has elements.</summary>
    NullBuf,

    /// <summary>Some element lies outside the memory the exporter supplied.</summary>
    OutOfBounds,

    /// <summary>A suboffset pointer is NULL, unknown, or leads to a block too small for what hangs below it.</summary>
    SuboffsetPointer,

    /// <summary>The view has more suboffset pointers than a verifier can follow in bounded time.</summary>
    TooManyPointers,

    /// <summary>A writable view was asked for and a read-only one returned.</summary>
    NotWritable,

    /// <summary>A C-contiguous view was needed (asked for, or implied by a request without strides).</summary>
    NotCContiguous,

    /// <summary>A Fortran-contiguous view was asked for.</summary>
    NotFContiguous,

    /// <summary>A C- or Fortran-contiguous view was asked for.</summary>
    NotContiguous,

    /// <summary>The view has suboffsets but the request did not allow them.</summary>
    RequiresSuboffsets,
}
