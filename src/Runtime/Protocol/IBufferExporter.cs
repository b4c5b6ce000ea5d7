// The exporter side of the protocol, as C's bf_getbuffer / bf_releasebuffer pair.
namespace NewBuffer.Protocol;

/// <summary>Something that can fill a <see cref="BufferView"/> and is told when the view is released.</summary>
public interface IBufferExporter
{
    /// <summary>Fills <paramref name="view"/> to answer <paramref name="flags"/> (C's <c>bf_getbuffer</c>).</summary>
    /// <remarks>Sets <see cref="BufferView.Obj"/> itself. Throws (an exception from <see cref="BufferErrors"/>, or the host's own) when it cannot
    /// answer; a failed request is never released, so the exporter undoes its own work before throwing.</remarks>
    void GetBuffer(BufferView view, BufferFlags flags);

    /// <summary>Called exactly once for each view this exporter filled successfully (C's <c>bf_releasebuffer</c>).</summary>
    void ReleaseBuffer(BufferView view);
}
