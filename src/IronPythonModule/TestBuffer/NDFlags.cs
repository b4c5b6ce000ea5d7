// The flags of a _testbuffer.ndarray base buffer, with the values of CPython's Modules/_testbuffer.c.
// The first byte is what Python code passes (ND_*); C and OwnArrays are bookkeeping the ndarray
// sets itself, and `ndarray.flags` shows them all, as CPython's does.
using System;

namespace NewBuffer.IronPython.TestBuffer;

/// <summary>Capabilities of one ndarray base buffer (CPython's <c>ND_*</c>).</summary>
[Flags]
internal enum NDFlags
{
    /// <summary>Read-only, C layout, NumPy-style strides.</summary>
    Default = 0x000,

    /// <summary>The layout may change while buffers are exported (kept on the ndarray, not the base).</summary>
    VarExport = 0x001,

    /// <summary>The memory may be written.</summary>
    Writable = 0x002,

    /// <summary>Fortran-contiguous layout (also set when the layout happens to be).</summary>
    Fortran = 0x004,

    /// <summary>ndim is 0.</summary>
    Scalar = 0x008,

    /// <summary>PIL-style: the first dimension is an array of pointers (suboffsets).</summary>
    Pil = 0x010,

    /// <summary>A re-exporter passes requests on to the object it consumes.</summary>
    Redirect = 0x020,

    /// <summary>Every request fails (for tests of failing exporters).</summary>
    GetBufFail = 0x040,

    /// <summary>With GetBufFail: the failed view's obj is left undefined (harmless here).</summary>
    GetBufUndefined = 0x080,

    /// <summary>C-contiguous layout.</summary>
    C = 0x100,

    /// <summary>A consumer that owns its copies of shape, strides and suboffsets (sliced).</summary>
    OwnArrays = 0x200,
}
