// Style 3: `__getbuffer__(self, flags)` returns a memoryview (ours or IronPython's, possibly cast()
// or a subclass carrying state) whose answer to the same flags becomes the view, with internal = that
// memoryview (see ReturnedViewExporter); `__releasebuffer__(self, view)` receives the same memoryview.
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using Microsoft.Scripting.Runtime;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;
using MemoryViewObject = NewBuffer.IronPython.NewBufferModule.MemoryViewObject;

namespace NewBuffer.IronPython.Exporters;

internal sealed class GetBufferMethodExporter : ReturnedViewExporter
{
    public GetBufferMethodExporter(CodeContext context, object self, ExportSlots slots)
        : base(context, self, slots)
    {
    }

    protected override object? CallGetMethod(BufferFlags flags)
    {
        using (RecursionGuard.Enter())
        {
            object? returned = PythonCalls.Call(Context, Slots.GetMethod, Self, ScriptingRuntimeHelpers.Int32ToObject((int)flags));
            return returned is MemoryViewObject or MemoryView ? returned
                : throw PythonErrors.TypeError($"__getbuffer__ returned non-memoryview object (got '{PythonErrors.TypeName(returned)}')");
        }
    }

    protected override IBufferExporter InnerExporter(object? returned) =>
        returned as MemoryViewObject ?? (IBufferExporter)new NativeExporter((MemoryView)returned!);

    protected override object? InternalOf(object? returned, BufferView inner) => returned;
}
