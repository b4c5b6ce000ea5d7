// How a Python object exports its buffer, and the order in which the styles are tried. The order
// is written down once, here, and documented in the README: the most explicit opt-in wins.
//   1. newbuffer.memoryview             - our own type
//      _testbuffer.ndarray, staticarray - other .NET types that are core exporters themselves
//   2. BufferMixin subclass             - _get_buffer(view, flags) fills a Py_buffer
//   3. __getbuffer__ on the type        - returns a memoryview; __releasebuffer__ gets it back
//   4. __buffer__ on the type           - returns any exporter (PEP 688); __release_buffer__ gets it back
//   5. IronPython's native exporters     - bytes, bytearray, array, mmap, memoryview, ctypes...
//   6. .NET memory handed in directly    - arrays of primitives (any rank), Memory<T>, ReadOnlyMemory<T>,
//                                          ArraySegment<T>, SafeBuffer, MemoryMappedViewAccessor (NewBuffer.Clr.ClrExport)
// Python-level definitions (2-4) win over an inherited native buffer, as in CPython 3.12 where a
// Python subclass of bytearray that defines __buffer__ exports through it.
namespace NewBuffer.IronPython.Exporters;

internal enum ExportStyle
{
    None,
    MemoryView,
    CoreExporter,
    Mixin,
    GetBufferMethod,
    Delegating,
    Native,
    DotNetMemory,
}
