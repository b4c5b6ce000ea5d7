// The .NET root of every pure-Python exporter that IronPython's own consumers must accept. Those
// consumers only take objects whose .NET type implements IronPython's IBufferProtocol (no
// __buffer__ lookup exists in IronPython 3.4), and a Python subclass of a C# class inherits the
// interface. So newbuffer.Buffer (a Python class defined on top of this one, see NewBufferModule)
// is the base to inherit, and newbuffer.exporter(cls) adds it to a class that cannot.
//
// GetBuffer dispatches on the Python-level export style of the instance (never the native style,
// which would be this method again) and hands IronPython a verified view.
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using NewBuffer.IronPython.Exporters;
using CoreFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

public static partial class NewBufferModule
{
    /// <summary>The .NET base of <c>newbuffer.Buffer</c>: makes Python exporters visible to IronPython's consumers.</summary>
    [PythonType("_BufferBase")]
    [Documentation("The .NET base of newbuffer.Buffer; inherit newbuffer.Buffer or newbuffer.BufferMixin instead.")]
    public class BufferBase : IBufferProtocol
    {
        IPythonBuffer IBufferProtocol.GetBuffer(BufferFlags flags)
        {
            CodeContext context = ContextFor(this);
            string who = PythonErrors.TypeName(this);
            Protocol.IBufferExporter exporter = ExporterDispatch.TryCreate(context, this, pythonOnly: true)
                ?? throw PythonErrors.TypeError($"{who} defines no way to export a buffer: define __buffer__, __getbuffer__ or (with BufferMixin) _get_buffer");
            return ExporterDispatch.ToIronPython(exporter, (CoreFlags)(int)flags, who);
        }
    }
}
