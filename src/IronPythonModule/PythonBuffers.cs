// The C# face of newbuffer for a host or a library living beside IronPython: hand .NET memory to
// Python as a memoryview in one call, and read any Python exporter - bytes, array, numpy-like
// classes written in Python with any of the three export styles - from C# with the verification,
// exactly-once release and thread guarantees newbuffer's memoryview has (NewBuffer.Clr.BufferLease).
// Errors are Python's exceptions (BufferError, TypeError...), as the module raises them.
using NewBuffer.Clr;
using NewBuffer.IronPython.Exporters;
using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

/// <summary>Buffers between C# and IronPython.</summary>
public static class PythonBuffers
{
    /// <summary>A <c>newbuffer.memoryview</c> over <paramref name="source"/> for Python code: a .NET array of a primitive
    /// type (any rank), a Memory&lt;T&gt;, ReadOnlyMemory&lt;T&gt;, ArraySegment&lt;T&gt;, SafeBuffer, MemoryMappedViewAccessor,
    /// a <see cref="NativeBlockExport"/>, or any Python exporter. Zero-copy; the memory is pinned until the view is released.</summary>
    public static NewBufferModule.MemoryViewObject MemoryView(object source)
    {
        Prepare();
        return new NewBufferModule.MemoryViewObject(NewBufferModule.ContextFor(source), source);
    }

    /// <summary>A verified view of <paramref name="source"/>'s buffer for C# to read (dispose it to release the export).</summary>
    /// <param name="source">Any object newbuffer.memoryview accepts.</param>
    /// <param name="flags">The request; add <see cref="BufferFlags.Writable"/> to write through the lease.</param>
    public static BufferLease Acquire(object source, BufferFlags flags = BufferFlags.FullRO)
    {
        Prepare();
        return BufferLease.Acquire(ExporterDispatch.Create(NewBufferModule.ContextFor(source), source, string.Empty), flags);
    }

    /// <summary>The core raises Python's exceptions and sizes native formats as the module does, even before any
    /// engine imported newbuffer.</summary>
    private static void Prepare()
    {
        PythonErrors.Install();
        NewBufferModule.UseHostAbi();
    }
}
