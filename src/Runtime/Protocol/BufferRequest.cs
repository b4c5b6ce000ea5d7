// Reading a request: which parts of a view the consumer asked for. The tests are CPython's
// REQ_* macros (Objects/memoryobject.c): a composite flag counts only when all its bits are set.
namespace NewBuffer.Protocol;

/// <summary>Questions about a <see cref="BufferFlags"/> request.</summary>
public static class BufferRequest
{
    /// <summary>The largest flag value CPython accepts from Python code (an unsigned C int fits; a negative does not).</summary>
    public const long MaxFlags = int.MaxValue;

    /// <summary>The consumer will write.</summary>
    public static bool WantsWritable(this BufferFlags flags) => (flags & BufferFlags.Writable) != 0;

    /// <summary>The consumer wants the format string; without it the format is read as unsigned bytes.</summary>
    public static bool WantsFormat(this BufferFlags flags) => (flags & BufferFlags.Format) != 0;

    /// <summary>The consumer can handle a shape.</summary>
    public static bool WantsShape(this BufferFlags flags) => Has(flags, BufferFlags.ND);

    /// <summary>The consumer can handle strides.</summary>
    public static bool WantsStrides(this BufferFlags flags) => Has(flags, BufferFlags.Strides);

    /// <summary>The consumer can handle suboffsets.</summary>
    public static bool WantsIndirect(this BufferFlags flags) => Has(flags, BufferFlags.Indirect);

    /// <summary>The view must be C-contiguous.</summary>
    public static bool WantsCContiguous(this BufferFlags flags) => Has(flags, BufferFlags.CContiguous);

    /// <summary>The view must be Fortran-contiguous.</summary>
    public static bool WantsFContiguous(this BufferFlags flags) => Has(flags, BufferFlags.FContiguous);

    /// <summary>The view must be C- or Fortran-contiguous.</summary>
    public static bool WantsAnyContiguous(this BufferFlags flags) => Has(flags, BufferFlags.AnyContiguous);

    private static bool Has(BufferFlags flags, BufferFlags wanted) => (flags & wanted) == wanted;
}
