// A .NET array of a primitive element type, any rank, pinned with a GCHandle for each export.
// .NET stores a T[,] row-major with no padding, so its shape is its lengths (lower bounds do not
// matter) and its strides are C-contiguous; a T[] is the one-dimensional case.
using System;
using System.Runtime.InteropServices;
using NewBuffer.Format;
using NewBuffer.Protocol;

namespace NewBuffer.Clr;

internal sealed class ArrayExporter : IBufferExporter
{
    private readonly Array _array;
    private readonly string _format;
    private readonly int _itemSize;

    private ArrayExporter(Array array, string format, int itemSize)
    {
        _array = array;
        _format = format;
        _itemSize = itemSize;
    }

    public static ArrayExporter? TryCreate(Array array) =>
        ClrElementFormats.TryGet(array.GetType().GetElementType()!, out string? format, out int size) ? new(array, format, size) : null;

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        int rank = _array.Rank;
        Span<long> shape = stackalloc long[rank];
        for (int d = 0; d < rank; d++)
        {
            shape[d] = _array.GetLength(d);
        }

        GCHandle handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        var pin = new PinnedBlock(handle.AddrOfPinnedObject(), _array.LongLength * _itemSize, _array, new HandlePin(handle));
        ClrExport.Answer(view, _array, pin, shape, _itemSize, _format, readOnly: false, flags, ClrExport.TypeName(_array.GetType()));
    }

    public void ReleaseBuffer(BufferView view) => PinnedBlock.Of(view).Dispose();

    private sealed class HandlePin(GCHandle handle) : IDisposable
    {
        public void Dispose() => handle.Free();
    }
}
