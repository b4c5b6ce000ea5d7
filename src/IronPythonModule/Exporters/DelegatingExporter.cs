// Style 4: `__buffer__(self[, flags])` returns any object with a buffer (PEP 688 requires a
// memoryview; we accept any exporter unless install(strict=True) asked for PEP 688's rule: a
// memoryview, newbuffer's or IronPython's, and always called with the flags), whose answer to the same flags becomes the view (see
// ReturnedViewExporter); `__release_buffer__(self, view)` then receives that returned object. The
// whole chain runs under the recursion guard, since the returned object may delegate again.
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using Microsoft.Scripting.Runtime;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class DelegatingExporter : ReturnedViewExporter
{
    public DelegatingExporter(CodeContext context, object self, ExportSlots slots)
        : base(context, self, slots)
    {
    }

    protected override object? CallGetMethod(BufferFlags flags)
    {
        using (RecursionGuard.Enter())
        {
            bool strict = NewBufferModule.IsStrict(Context);
            object? returned = Slots.TakesFlags || strict
                ? PythonCalls.Call(Context, Slots.GetMethod, Self, ScriptingRuntimeHelpers.Int32ToObject((int)flags))
                : PythonCalls.Call(Context, Slots.GetMethod, Self);
            if (ReferenceEquals(returned, Self))
            {
                throw PythonErrors.TypeError("__buffer__ returned the object itself");
            }

            if (strict && returned is not (NewBufferModule.MemoryViewObject or MemoryView))
            {
                throw PythonErrors.TypeError("__buffer__ returned non-memoryview object");
            }

            return returned;
        }
    }

    protected override IBufferExporter InnerExporter(object? returned) =>
        ExporterDispatch.TryCreate(Context, returned)
        ?? throw PythonErrors.TypeError($"__buffer__ returned an object without a buffer (got '{PythonErrors.TypeName(returned)}')");

    protected override object? InternalOf(object? returned, BufferView inner) => inner.Internal;
}
