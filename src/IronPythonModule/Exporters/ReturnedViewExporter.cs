// What the two styles whose method returns another buffer share (__buffer__ and __getbuffer__):
// the consumer's view is the returned object's answer to the same flags with obj = the exporter;
// that inner export is held until release, then released before the release method receives the
// very object the get method returned. A get method that raised is not released; one whose returned
// object refuses the request is (once), as every style releases an answer the consumer refuses. A view
// a builtin's __buffer__ made of the exporter itself is released after the release method returns.
//
// IronPython's own consumers asking, when the get method returned one of IronPython's own buffers
// (a bytearray, IronPython's memoryview...) or our memoryview: that object's answer to IronPython is
// handed over as it is, with only obj replaced (ForwardedBuffer). Our view of it would be verified,
// wrapped and unwrapped again to reach the same bytes; IronPython's answer is IronPython's to trust,
// and our memoryview's is already verified.
using IronPython.Runtime;
using NewBuffer.IronPython.Install;
using NewBuffer.Protocol;

using BufferFlags = NewBuffer.Protocol.BufferFlags;
using IronPythonFlags = IronPython.Runtime.BufferFlags;

namespace NewBuffer.IronPython.Exporters;

internal abstract class ReturnedViewExporter : IBufferExporter
{
    private BufferView? _inner;
    private object? _returned;
    private bool _called;

    protected ReturnedViewExporter(CodeContext context, object self, ExportSlots slots)
    {
        Context = context;
        Self = self;
        Slots = slots;
    }

    protected CodeContext Context { get; }

    protected object Self { get; }

    protected ExportSlots Slots { get; }

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        // Already called by ExportToIronPython, which found no IronPython buffer to forward.
        object? returned = _called ? _returned : CallGetMethod(flags);
        _called = false;
        using (RecursionGuard.Enter())
        {
            // Under the guard: the returned object may delegate again.
            AcquireInner(InnerExporter(returned), flags, returned);
        }

        _returned = returned;
        view.CopyLayoutFrom(_inner!);
        view.Obj = Self;
        view.Internal = InternalOf(returned, _inner!);
    }

    public void ReleaseBuffer(BufferView view)
    {
        _inner?.Release();
        GiveBack(_returned);
    }

    /// <summary>A buffer for IronPython's own consumers: IronPython's own answer when the get method returned one
    /// of its buffers, else our verified view (<see cref="PythonBufferAdapter"/>).</summary>
    public IPythonBuffer ExportToIronPython(BufferFlags flags, string who)
    {
        object? returned = CallGetMethod(flags);
        if (returned is NewBufferModule.MemoryViewObject || (returned is IBufferProtocol && ExporterDispatch.IsIronPythonBuffer(Context, returned)))
        {
            IPythonBuffer answer;
            try
            {
                answer = NativeExporter.GetBuiltinBuffer((IBufferProtocol)returned, (IronPythonFlags)(int)flags);
            }
            catch
            {
                GiveBack(returned);
                throw;
            }

            return new ForwardedBuffer(answer, Self, this, returned);
        }

        _returned = returned;
        _called = true;
        return PythonBufferAdapter.Export(this, flags, who);
    }

    /// <summary>Calls the get method and checks what it returned.</summary>
    protected abstract object? CallGetMethod(BufferFlags flags);

    /// <summary>The exporter of what the get method returned (a TypeError when it has no buffer).</summary>
    protected abstract IBufferExporter InnerExporter(object? returned);

    /// <summary>The consumer's view's <c>internal</c>.</summary>
    protected abstract object? InternalOf(object? returned, BufferView inner);

    /// <summary>Requests <paramref name="flags"/> of <paramref name="inner"/> and holds that export until release. When the
    /// returned object refuses the request (a read-only answer to a writable one...), the release method gets
    /// <paramref name="returned"/> back once, as BufferMixin's _release_buffer gets a refused answer: the get method did its work.</summary>
    private void AcquireInner(IBufferExporter inner, BufferFlags flags, object? returned)
    {
        try
        {
            _inner = BufferView.Acquire(inner, flags);
        }
        catch
        {
            GiveBack(returned);
            throw;
        }
    }

    /// <summary>Hands what the get method returned to the release method, once per successful get.</summary>
    internal void GiveBack(object? returned)
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
}
