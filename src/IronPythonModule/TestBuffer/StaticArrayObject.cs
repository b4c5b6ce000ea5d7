// _testbuffer.staticarray: a deliberately non-compliant exporter (CPython's StaticArrayObject). It
// answers every request, whatever the flags, with the same full description of twelve static
// read-only bytes 0..11, and has nothing to do at release. In legacy mode the view's obj is NULL,
// as exporters written before Python 3.3 left it; consumers must cope with both.
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using Flags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

public static partial class TestBufferModule
{
    /// <summary><c>_testbuffer.staticarray</c>.</summary>
    [PythonType("staticarray")]
    [Documentation("staticarray(legacy_mode=False)\n\nExports twelve static bytes with PyBUF_FULL_RO information for every request;\n"
        + "in legacy mode the view's obj is NULL.")]
    public sealed class StaticArrayObject : IBufferExporter, IBufferProtocol
    {
        private static readonly ManagedMemoryBlock s_memory = new([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

        private readonly bool _legacyMode;

        public StaticArrayObject()
        {
        }

        public StaticArrayObject(object? legacy_mode)
        {
            // CPython tests `legacy_mode != Py_False`: anything but False, None included, selects it.
            _legacyMode = legacy_mode is not false;
        }

        void IBufferExporter.GetBuffer(BufferView view, Flags flags)
        {
            view.Obj = _legacyMode ? null : this;
            view.Buf = s_memory.At(0);
            view.Len = 12;
            view.ItemSize = 1;
            view.ReadOnly = true;
            view.NDim = 1;
            view.Format = "B";
            view.SetShape([12]);
            view.SetStrides([1]);
            view.SetSuboffsets(null);
            view.Internal = null;
        }

        void IBufferExporter.ReleaseBuffer(BufferView view)
        {
        }

        IPythonBuffer IBufferProtocol.GetBuffer(global::IronPython.Runtime.BufferFlags flags) =>
            PythonBufferAdapter.Export(this, (Flags)(int)flags, "staticarray");
    }
}
