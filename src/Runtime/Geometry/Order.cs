// The order in which a view's elements are laid out or copied, as CPython's 'C', 'F' and 'A'.
namespace NewBuffer.Geometry;

/// <summary>An element order for contiguous memory.</summary>
public enum Order
{
    /// <summary>Row-major: the last index varies fastest ('C').</summary>
    C,

    /// <summary>Column-major: the first index varies fastest ('F').</summary>
    Fortran,

    /// <summary>Fortran order when the view is Fortran-contiguous and not C-contiguous, else C ('A').</summary>
    Any,
}
