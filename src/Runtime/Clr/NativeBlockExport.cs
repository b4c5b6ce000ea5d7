// Native memory a C# caller hands to Python: a pointer, a length, and the object that keeps the
// memory valid. newbuffer trusts exactly these bounds (no view of it reaches outside them) and
// keeps the owner alive while the exporter lives. The caller's one duty is not to free the memory
// while it is exported: TryClose refuses while any export is open and, once it succeeds, every new
// request is refused, so "TryClose() returned true" is the moment the memory may be freed.
using System;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.Clr;

/// <summary>An exporter over a native block of memory (see <see cref="ClrExport.FromPointer"/>).</summary>
public sealed class NativeBlockExport : IBufferExporter
{
    private readonly object _lock = new();
    private readonly NativeMemoryBlock _block;
    private readonly string _format;
    private readonly long _itemSize;
    private int _exports;
    private bool _closed;

    /// <summary>An exporter over <paramref name="length"/> bytes at <paramref name="pointer"/>, as items of <paramref name="format"/>.</summary>
    /// <param name="pointer">The first byte; valid until <see cref="TryClose"/> returns true.</param>
    /// <param name="length">The number of bytes; a whole number of items.</param>
    /// <param name="owner">What keeps the memory valid; kept alive with this exporter.</param>
    /// <param name="readOnly">True when consumers may not write.</param>
    /// <param name="format">A struct format of one item, e.g. <c>"d"</c>.</param>
    /// <exception cref="ArgumentException">A null pointer with a length, a negative length, a bad format, or a length that is not a whole number of items.</exception>
    public NativeBlockExport(nint pointer, long length, object? owner, bool readOnly = false, string format = "B")
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!StructFormat.TryParse(format, out StructFormat? parsed, out _) || parsed.Size == 0)
        {
            throw new ArgumentException($"'{format}' is not a struct format of a non-empty item", nameof(format));
        }

        if (length % parsed.Size != 0)
        {
            throw new ArgumentException($"{length} bytes are not a whole number of {parsed.Size}-byte items", nameof(length));
        }

        _block = new NativeMemoryBlock(pointer, length, owner);
        _format = format;
        _itemSize = parsed.Size;
        ReadOnly = readOnly;
    }

    /// <summary>The number of bytes exported.</summary>
    public long Length => _block.Length;

    /// <summary>True when consumers may not write.</summary>
    public bool ReadOnly { get; }

    /// <summary>The number of exports not yet released.</summary>
    public int Exports
    {
        get
        {
            lock (_lock)
            {
                return _exports;
            }
        }
    }

    /// <summary>Ends the export if no view is open: afterwards every request is refused and the memory may be freed.</summary>
    /// <returns>False while a view is still exported.</returns>
    public bool TryClose()
    {
        lock (_lock)
        {
            if (_exports > 0)
            {
                return false;
            }

            if (!_closed)
            {
                _closed = true;
                if (_block.HasAddress)
                {
                    MemoryRegistry.Forget(_block);
                }
            }

            return true;
        }
    }

    void IBufferExporter.GetBuffer(BufferView view, BufferFlags flags)
    {
        lock (_lock)
        {
            if (_closed)
            {
                ThrowHelper.ThrowBuffer("native block: closed by its owner; its memory may be gone");
            }

            BufferAnswer.FillFrom(view, this, _block.At(0), ViewLayout.Contiguous(_itemSize, [_block.Length / _itemSize]), _format, ReadOnly, flags, "native block");
            _exports++;
        }
    }

    void IBufferExporter.ReleaseBuffer(BufferView view)
    {
        lock (_lock)
        {
            _exports--;
        }
    }
}
