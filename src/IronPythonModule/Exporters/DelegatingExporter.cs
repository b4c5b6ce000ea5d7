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
    private const int VarArgsFlag = 0x04;

    private readonly CodeContext _context;
    private readonly object _self;
    private BufferView? _inner;
    private object? _returned;

    public DelegatingExporter(CodeContext context, object self)
    {
        _context = context;
        _self = self;
    }

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        object? returned;
        using (RecursionGuard.Enter())
        {
            returned = TakesFlags()
                ? ExporterDispatch.CallTypeMethod(_context, _self, "__buffer__", (int)flags)
                : ExporterDispatch.CallTypeMethod(_context, _self, "__buffer__");
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
        ExporterDispatch.CallReleaseMethod(_context, _self, "__release_buffer__", _returned);
    }

    /// <summary>PEP 688's <c>__buffer__(self, flags)</c>, or the earlier proposal's <c>__buffer__(self)</c>.</summary>
    private bool TakesFlags()
    {
        PythonOps.TryGetBoundAttr(_context, DynamicHelpers.GetPythonType(_self), "__buffer__", out object? method);
        if (method is PythonFunction function)
        {
            FunctionCode code = function.__code__;
            return code.co_argcount > 1 || (code.co_flags & VarArgsFlag) != 0;
        }

        return true;
    }
}
