// Style 4: `__buffer__(self[, flags])` returns any object with a buffer (PEP 688 requires a
// memoryview; we accept any exporter). The consumer's view is that object's answer to the same
// flags, with obj = the original object; the inner export is held until release and never fetched
// twice. `__release_buffer__(self, view)` then receives the object __buffer__ returned. A failed
// request calls nothing back, as in CPython's slot_bf_getbuffer.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class DelegatingExporter : IBufferExporter
{
    private readonly CodeContext _context;
    private readonly object _self;
    private readonly ExportSlots _slots;
    private BufferView? _inner;
    private object? _returned;

    public DelegatingExporter(CodeContext context, object self, ExportSlots slots)
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
            returned = _slots.TakesFlags
                ? PythonCalls.Call(_context, _slots.GetMethod, _self, (int)flags)
                : PythonCalls.Call(_context, _slots.GetMethod, _self);
            if (ReferenceEquals(returned, _self))
            {
                throw PythonErrors.TypeError("__buffer__ returned the object itself");
            }

            IBufferExporter inner = ExporterDispatch.TryCreate(_context, returned)
                ?? throw PythonErrors.TypeError($"__buffer__ returned an object without a buffer (got '{PythonErrors.TypeName(returned)}')");
            _inner = BufferView.Acquire(inner, flags);
        }

        _returned = returned;
        view.CopyLayoutFrom(_inner);
        view.Obj = _self;
        view.Internal = _inner.Internal;
    }

    public void ReleaseBuffer(BufferView view)
    {
        _inner?.Release();
        ExporterDispatch.CallReleaseMethod(_context, _self, _slots.ReleaseMethod, _returned);
    }
}
