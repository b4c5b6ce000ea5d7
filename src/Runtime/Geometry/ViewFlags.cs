// A view's contiguity as CPython's memoryview records it: decided once, when the view is made
// (memoryobject.c's init_flags), and read by everything that asks - cast, answering a request
// (memory_getbuf), c_contiguous/f_contiguous/contiguous. It differs from the layout's own
// PyBuffer_IsContiguous answer (ViewLayout.IsCContiguous) in one place, on purpose, as CPython's
// does: a one-dimensional view is contiguous exactly when its one stride is the itemsize or it has
// one item (MV_CONTIGUOUS_NDIM1), so an empty view with a gap between items, m[::2][0:0], is not
// contiguous, where PyBuffer_IsContiguous calls every empty view contiguous.
//
//   ndim 0           scalar: C and Fortran
//   ndim 1           shape[0] == 1 or strides[0] == itemsize: C and Fortran
//   ndim > 1         PyBuffer_IsContiguous(view, 'C') and (view, 'F'), each
//   suboffsets       PIL: neither, whatever the above said
using System;

namespace NewBuffer.Geometry;

/// <summary>CPython memoryview's flags for a view: C, Fortran, scalar, PIL (<c>init_flags</c>).</summary>
public readonly struct ViewFlags : IEquatable<ViewFlags>
{
    private readonly Bits _bits;

    private ViewFlags(Bits bits) => _bits = bits;

    [Flags]
    private enum Bits
    {
        None = 0,
        C = 1,
        Fortran = 2,
        Scalar = 4,
        Pil = 8,
    }

    /// <summary>C-contiguous as a memoryview reports it (<c>MV_C_CONTIGUOUS</c>).</summary>
    public bool IsCContiguous => (_bits & (Bits.Scalar | Bits.C)) != 0;

    /// <summary>Fortran-contiguous as a memoryview reports it (<c>MV_F_CONTIGUOUS</c>).</summary>
    public bool IsFContiguous => (_bits & (Bits.Scalar | Bits.Fortran)) != 0;

    /// <summary>C- or Fortran-contiguous (<c>MV_ANY_CONTIGUOUS</c>).</summary>
    public bool IsAnyContiguous => (_bits & (Bits.Scalar | Bits.C | Bits.Fortran)) != 0;

    /// <summary>A 0-dimensional view.</summary>
    public bool IsScalar => (_bits & Bits.Scalar) != 0;

    /// <summary>A view with suboffsets (PIL-style).</summary>
    public bool IsPil => (_bits & Bits.Pil) != 0;

    /// <summary>The flags of a view of <paramref name="layout"/> (<c>init_flags</c>).</summary>
    public static ViewFlags Of(ViewLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.HasSuboffsets)
        {
            return new ViewFlags(layout.NDim == 0 ? Bits.Scalar | Bits.Pil : Bits.Pil);
        }

        switch (layout.NDim)
        {
            case 0:
                return new ViewFlags(Bits.Scalar | Bits.C | Bits.Fortran);
            case 1:
                bool contiguous = layout.Shape[0] == 1 || layout.Strides[0] == layout.ItemSize;
                return new ViewFlags(contiguous ? Bits.C | Bits.Fortran : Bits.None);
            default:
                return new ViewFlags((layout.IsCContiguous ? Bits.C : Bits.None) | (layout.IsFContiguous ? Bits.Fortran : Bits.None));
        }
    }

    /// <summary>Whether the view is contiguous in <paramref name="order"/> (Any: in either).</summary>
    public bool IsContiguous(Order order) => order switch
    {
        Order.C => IsCContiguous,
        Order.Fortran => IsFContiguous,
        _ => IsAnyContiguous,
    };

    /// <inheritdoc/>
    public bool Equals(ViewFlags other) => _bits == other._bits;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ViewFlags other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_bits;

    /// <summary>Same flags.</summary>
    public static bool operator ==(ViewFlags left, ViewFlags right) => left.Equals(right);

    /// <summary>Different flags.</summary>
    public static bool operator !=(ViewFlags left, ViewFlags right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => _bits.ToString();
}
