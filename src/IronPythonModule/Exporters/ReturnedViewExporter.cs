// What the two styles whose method returns another buffer share (__buffer__ and __getbuffer__):
// the consumer's view is the returned object's answer to the same flags with obj = the exporter;
// that inner export is held until release, then released before the release method receives the
// very object the get method returned. A get method that raised is not released; one whose returned
// object refuses the request is (once), as every style releases an answer the consumer refuses. A view
// a builtin's __buffer__ made of the exporter itself is released after the release method returns.
using IronPython.Runtime;
using NewBuffer.IronPython.Install;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal abstract class ReturnedViewExporter : IBufferExporter
{
    private BufferView? _inner;
    private object? _returned;

    protected ReturnedViewExporter(CodeContext context, object self, ExportSlots slots)
    {
        Context = context;
        Self = self;
        Slots = slots;
    }

    protected CodeContext Context { get; }

    protected object Self { get; }

    protected ExportSlots Slots { get; }

    public abstract void GetBuffer(BufferView view, BufferFlags flags);

    public void ReleaseBuffer(BufferView view)
    {
        _inner?.Release();
        GiveBack(_returned);
    }

    /// <summary>Requests <paramref name="flags"/> of <paramref name="inner"/> and holds that export until release. When the
    /// returned object refuses the request (a read-only answer to a writable one...), the release method gets
    /// <paramref name="returned"/> back once, as BufferMixin's _release_buffer gets a refused answer: the get method did its work.</summary>
    protected BufferView AcquireInner(IBufferExporter inner, BufferFlags flags, object? returned)
    {
        try
        {
            return _inner = BufferView.Acquire(inner, flags);
        }
        catch
        {
            GiveBack(returned);
            throw;
        }
    }

    /// <summary>Hands what the get method returned to the release method, once per successful get.</summary>
    private void GiveBack(object? returned)
    {
        bool madeOfSelf = BuiltinBuffers.IsViewMadeOf(returned, Self);
        if (madeOfSelf && BuiltinBuffers.IsBuiltinMethod(Slots.GetMethod))
        {
            // A builtin subclass overriding only __release_buffer__: as in CPython, the view it is
            // handed may be read but not kept alive through new views.
            ((NewBufferModule.MemoryViewObject)returned!).Restrict();
        }

        ExporterDispatch.CallReleaseMethod(Context, Self, Slots.ReleaseMethod, returned);
        if (madeOfSelf)
        {
            // A view a builtin __buffer__ made of this very object (super().__buffer__(flags))
            // ends with the request, as in CPython; else it would keep the object locked.
            ((NewBufferModule.MemoryViewObject)returned!).release();
        }
    }

    /// <summary>Answers with the held inner export as the exporter's own view.</summary>
    protected void Answer(BufferView view, object? returned, object? internalObject)
    {
        _returned = returned;
        view.CopyLayoutFrom(_inner!);
        view.Obj = Self;
        view.Internal = internalObject;
    }
}
