// Style 4: `__buffer__(self[, flags])` returns any object with a buffer (PEP 688 requires a
// memoryview; we accept any exporter), whose answer to the same flags becomes the view (see
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
            returned = Slots.TakesFlags
                ? PythonCalls.Call(Context, Slots.GetMethod, Self, (int)flags)
                : PythonCalls.Call(Context, Slots.GetMethod, Self);
            if (ReferenceEquals(returned, Self))
            {
                throw PythonErrors.TypeError("__buffer__ returned the object itself");
            }

            IBufferExporter exporter = ExporterDispatch.TryCreate(Context, returned)
                ?? throw PythonErrors.TypeError($"__buffer__ returned an object without a buffer (got '{PythonErrors.TypeName(returned)}')");
            inner = AcquireInner(exporter, flags);
        }

        Answer(view, returned, inner.Internal);
    }
}
