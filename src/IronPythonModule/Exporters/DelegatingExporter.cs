// Style 4: `__buffer__(self[, flags])` returns any object with a buffer (PEP 688 requires a
// memoryview; we accept any exporter unless install(strict=True) asked for PEP 688's rule: a
// memoryview, newbuffer's or IronPython's, and always called with the flags), whose answer to the same flags becomes the view (see
// ReturnedViewExporter); `__release_buffer__(self, view)` then receives that returned object. The
// whole chain runs under the recursion guard, since the returned object may delegate again.
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class DelegatingExporter : ReturnedViewExporter
{
    public DelegatingExporter(CodeContext context, object self, ExportSlots slots)
        : base(context, self, slots)
    {
    }

    public override void GetBuffer(BufferView view, BufferFlags flags)
    {
        object? returned;
        BufferView inner;
        using (RecursionGuard.Enter())
        {
            bool strict = NewBufferModule.IsStrict(Context);
            returned = Slots.TakesFlags || strict
                ? PythonCalls.Call(Context, Slots.GetMethod, Self, (int)flags)
                : PythonCalls.Call(Context, Slots.GetMethod, Self);
            if (ReferenceEquals(returned, Self))
            {
                throw PythonErrors.TypeError("__buffer__ returned the object itself");
            }

            if (strict && returned is not (NewBufferModule.MemoryViewObject or MemoryView))
            {
                throw PythonErrors.TypeError("__buffer__ returned non-memoryview object");
            }

            IBufferExporter exporter = ExporterDispatch.TryCreate(Context, returned)
                ?? throw PythonErrors.TypeError($"__buffer__ returned an object without a buffer (got '{PythonErrors.TypeName(returned)}')");
            inner = AcquireInner(exporter, flags, returned);
        }

        Answer(view, returned, inner.Internal);
    }
}
