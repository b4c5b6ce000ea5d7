// newbuffer.request(obj, flags): the verified request with flags a consumer written in Python makes,
// as a C consumer calls PyObject_GetBuffer(obj, &view, flags) and then trusts the view. The answer is
// verified by the core (ViewVerifier) against the same rules and the same request newbuffer's own
// memoryview uses, so a Python consumer refuses exactly what a correct C consumer refuses.
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;

namespace NewBuffer.IronPython;

public static partial class NewBufferModule
{
    [Documentation("request(obj, flags)\n\nA newbuffer.memoryview of obj's answer to exactly flags (PyBUF_*), verified as a\n"
        + "C consumer must verify it: an answer that breaks a rule of PEP 3118 is a ValueError, one that\n"
        + "ignores the request (readonly to a writable request, strides missing from a strided one...) a\n"
        + "BufferError, and the exporter's own errors pass unchanged. Release it (or use 'with') when done.")]
    public static MemoryViewObject request(CodeContext context, object? obj, object? flags) =>
        MemoryViewObject.Request(context, obj, flags);
}
