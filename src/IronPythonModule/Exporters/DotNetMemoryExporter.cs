// .NET memory handed to newbuffer directly (byte[], Memory<byte>, ReadOnlyMemory<byte>), as
// IronPython's own consumers accept it: a contiguous run of unsigned bytes.
using System;
using System.Runtime.InteropServices;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.IronPython.Exporters;

internal sealed class DotNetMemoryExporter : IBufferExporter
{
    private readonly object _source;

    public DotNetMemoryExporter(object source) => _source = source;

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        (Memory<byte> memory, bool readOnly) = _source switch
        {
            byte[] array => (array.AsMemory(), false),
            Memory<byte> m => (m, false),
            ReadOnlyMemory<byte> r => (MemoryMarshal.AsMemory(r), true),
            _ => throw new InvalidOperationException("not .NET memory"),
        };
        BufferAnswer.FillBytes(view, _source, new ManagedMemoryBlock(memory, _source).At(0), memory.Length, readOnly, flags);
    }

    public void ReleaseBuffer(BufferView view)
    {
    }
}
