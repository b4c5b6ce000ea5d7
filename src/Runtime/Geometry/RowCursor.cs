// Walks the rows of a view in C order: every combination of indices of all dimensions but the
// last, yielding where that row starts after following any suboffsets on the way. Whoever copies
// or reads a row handles the last dimension itself (its stride and suboffset), so the tight loop
// stays in one place per operation while the pointer chasing stays here.
//
// A 0-d view has one row of one element; a view with a zero in its shape has no rows.
using System;
using NewBuffer.Memory;

namespace NewBuffer.Geometry;

/// <summary>Enumerates the start of each innermost row of a view, in C order.</summary>
public sealed class RowCursor
{
    private readonly ViewLayout _layout;
    private readonly long[] _index;
    private readonly BufferPointer[] _bases;
    private readonly int _outer;
    private bool _started;

    /// <summary>A cursor over the rows of the view at <paramref name="buf"/> with <paramref name="layout"/>.</summary>
    public RowCursor(BufferPointer buf, ViewLayout layout)
    {
        _layout = layout;
        _outer = Math.Max(layout.NDim - 1, 0);
        _index = new long[_outer];
        _bases = new BufferPointer[_outer + 1];
        _bases[0] = buf;
        if (layout.NDim == 0)
        {
            RowLength = 1;
            RowSuboffset = -1;
        }
        else
        {
            RowLength = layout.Shape[_outer];
            RowStride = layout.Strides[_outer];
            RowSuboffset = layout.SuboffsetAt(_outer);
        }
    }

    /// <summary>Elements in each row (the last dimension's length; 1 for a 0-d view).</summary>
    public long RowLength { get; }

    /// <summary>Bytes between elements of a row.</summary>
    public long RowStride { get; }

    /// <summary>The suboffset of the last dimension, or -1: when >= 0, each element of a row is a pointer to follow.</summary>
    public long RowSuboffset { get; }

    /// <summary>Where the current row starts.</summary>
    public BufferPointer Current => _bases[_outer];

    /// <summary>Moves to the next row; false when there are no more.</summary>
    public bool MoveNext()
    {
        if (!_started)
        {
            _started = true;
            if (_layout.ItemCount == 0)
            {
                return false;
            }

            for (int d = 0; d < _outer; d++)
            {
                _bases[d + 1] = _layout.Step(_bases[d], d, 0);
            }

            return true;
        }

        int dim = _outer - 1;
        while (dim >= 0)
        {
            if (++_index[dim] < _layout.Shape[dim])
            {
                break;
            }

            _index[dim] = 0;
            dim--;
        }

        if (dim < 0)
        {
            return false;
        }

        for (int d = dim; d < _outer; d++)
        {
            _bases[d + 1] = _layout.Step(_bases[d], d, _index[d]);
        }

        return true;
    }

    /// <summary>The element <paramref name="k"/> of the row starting at <paramref name="row"/>.</summary>
    public BufferPointer Element(BufferPointer row, long k)
    {
        BufferPointer p = row.Add(RowStride * k);
        return RowSuboffset >= 0 ? MemoryRegistry.Dereference(p).Add(RowSuboffset) : p;
    }
}
