// Style 3: `__getbuffer__(self, flags)` returns a memoryview (ours or IronPython's, possibly cast()
// or a subclass carrying state) whose answer to the same flags becomes the view, with internal = that
// memoryview (see ReturnedViewExporter); `__releasebuffer__(self, view)` receives the same memoryview.
using IronPython.Runtime;
using IronPython.Runtime.Operations;
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

    public override void GetBuffer(BufferView view, BufferFlags flags)
    {
        object? returned;
        using (RecursionGuard.Enter())
        {
            returned = PythonCalls.Call(Context, Slots.GetMethod, Self, (int)flags);
        }

        IBufferExporter inner = returned switch
        {
            MemoryViewObject ours => ours,
            MemoryView theirs => new NativeExporter(theirs),
            _ => throw PythonErrors.TypeError($"__getbuffer__ returned non-memoryview object (got '{PythonErrors.TypeName(returned)}')"),
        };
        AcquireInner(inner, flags, returned);
        Answer(view, returned, returned);
    }
}
