// A view that passed the verifier: its geometry as a ViewLayout (which owns copies of the arrays)
// and everything a consumer needs to read it. Consumers trust it from here on: every element lies
// inside the exporter's memory as it was when verified (suboffset pointers are still followed
// through the registry and bounds-checked on every access, since memory can change). A struct: it
// only carries the verifier's result to the view that keeps it, so it costs no allocation per request.
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Validation;

/// <summary>The consumer's trusted description of a verified view.</summary>
public readonly struct VerifiedView
{
    internal VerifiedView(object? obj, BufferPointer buf, ViewLayout layout, string? format, bool readOnly)
    {
        Obj = obj;
        Buf = buf;
        Layout = layout;
        Format = format;
        ReadOnly = readOnly;
    }

    /// <summary>The exporting object.</summary>
    public object? Obj { get; }

    /// <summary>Where the view starts.</summary>
    public BufferPointer Buf { get; }

    /// <summary>Itemsize, shape, strides, suboffsets; a NULL shape (simple request) becomes one dimension of bytes.</summary>
    public ViewLayout Layout { get; }

    /// <summary>The item format (<c>"B"</c> for NULL), or null when the request did not ask for it.</summary>
    /// <remarks>Not parsed here: a format the struct codec cannot read is only an error when items are read.</remarks>
    public string? Format { get; }

    /// <summary>Whether the memory must not be written.</summary>
    public bool ReadOnly { get; }
}
