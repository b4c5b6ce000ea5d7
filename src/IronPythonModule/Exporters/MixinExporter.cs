// Style 2 (pygame's BufferMixin): `_get_buffer(self, view, flags)` fills a Py_buffer wrapper and
// returns None. The wrapper is detached when the call returns (fields set by address are read
// then, as a C consumer would read them), so the exporter cannot change the view afterwards.
// Release calls `_release_buffer(view)` once with a read-only wrapper, on view.obj (as C releases
// through view->obj) or on the exporter when obj was left None; its errors are reported, not raised.
//
// A request that fails after _get_buffer returned (a non-None return, an address nobody knows) is
// released before the error is raised, so the exporter's own accounting always balances.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using Microsoft.Scripting.Runtime;
using NewBuffer.Protocol;
using static NewBuffer.IronPython.NewBufferModule;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal sealed class MixinExporter : IBufferExporter
{
    private readonly CodeContext _context;
    private readonly object _self;
    private readonly ExportSlots _slots;
    private PyBufferObject? _filler;

    public MixinExporter(CodeContext context, object self, ExportSlots slots)
    {
        _context = context;
        _self = self;
        _slots = slots;
    }

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        _filler = PyBufferObject.ForFilling(view, _context);
        object? result;
        try
        {
            // view.buf = self inside _get_buffer would recurse until the stack overflows.
            using (RecursionGuard.Enter())
            {
                // As a bound method: IronPython's two-argument call site, where three arguments take its splat path.
                result = PythonCalls.Call(_context, new Method(_slots.GetMethod!, _self), _filler, ScriptingRuntimeHelpers.Int32ToObject((int)flags));
            }
        }
        catch
        {
            _filler.Detach();
            ReleaseHeld();
            view.Obj = null;
            throw;
        }

        try
        {
            _filler.CommitAndDetach(_self);
            if (result is not null)
            {
                throw PythonErrors.ValueError("_get_buffer method return value was not None");
            }
        }
        catch
        {
            ReleaseBuffer(view);
            view.Obj = null;
            throw;
        }
    }

    public void ReleaseBuffer(BufferView view)
    {
        ReleaseHeld();
        object target = view.Obj ?? _self;
        object? release = null;
        if (ReferenceEquals(target, _self))
        {
            release = _slots.ReleaseMethod;
        }
        else if (!PythonOps.TryGetBoundAttr(_context, target, "_release_buffer", out release))
        {
            return;
        }

        if (release is null)
        {
            return;
        }

        PyBufferObject wrapper = PyBufferObject.ForReleasing(view);
        try
        {
            if (ReferenceEquals(target, _self))
            {
                PythonCalls.Call(_context, release, _self, wrapper);
            }
            else
            {
                PythonCalls.Call(_context, release, wrapper);
            }
        }
        catch (Exception e)
        {
            PythonErrors.ReportUnraisable(_context, e, target);
        }
        finally
        {
            wrapper.Detach();
        }
    }

    private void ReleaseHeld()
    {
        if (_filler is null)
        {
            return;
        }

        foreach (BufferView held in _filler.Held)
        {
            held.Release();
        }
    }
}
