// Style 3: `__getbuffer__(self, flags)` returns a memoryview (ours or IronPython's, possibly cast()
// or a subclass carrying state). The consumer's view is that memoryview's answer to the same flags,
// with obj = the exporter and internal = the memoryview; `__releasebuffer__(self, view)` receives the
// very same memoryview after the inner export is released. A failed request calls nothing back.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using MemoryViewObject = NewBuffer.IronPython.NewBufferModule.MemoryViewObject;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class GetBufferMethodExporter : IBufferExporter
{
    private readonly CodeContext _context;
    private readonly object _self;
    private readonly ExportSlots _slots;
    private BufferView? _inner;
    private object? _returned;

    public GetBufferMethodExporter(CodeContext context, object self, ExportSlots slots)
    {
        _context = context;
        _self = self;
        _slots = slots;
    }

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        object? returned;
        using (RecursionGuard.Enter())
        {
            returned = PythonCalls.Call(_context, _slots.GetMethod, _self, (int)flags);
        }

        IBufferExporter inner = returned switch
        {
            MemoryViewObject ours => ours,
            MemoryView theirs => new NativeExporter(theirs),
            _ => throw PythonErrors.TypeError($"__getbuffer__ returned non-memoryview object (got '{PythonErrors.TypeName(returned)}')"),
        };
        _inner = BufferView.Acquire(inner, flags);
        _returned = returned;
        view.CopyLayoutFrom(_inner);
        view.Obj = _self;
        view.Internal = returned;
    }

    public void ReleaseBuffer(BufferView view)
    {
        _inner?.Release();
        ExporterDispatch.CallReleaseMethod(_context, _self, _slots.ReleaseMethod, _returned);
    }
}
