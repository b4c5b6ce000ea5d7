// One memoryview's hold on a shared export (CPython's PyMemoryViewObject without the host): its
// ArrayView, its registration on the ManagedBuffer, the count of buffers exported from it, and its
// release. IronPython has no GIL, so a view may be released on one thread while others read it:
//   - every access to the memory runs inside Enter()...Dispose(); once released, Enter fails with
//     CPython's ValueError text, and the registration is removed (possibly releasing the export)
//     only when the last operation already inside has left, so no reader ever outlives the memory;
//   - Release() refuses while buffers exported from the view are outstanding (BufferError): it closes
//     the export count with one compare-and-swap from 0, and an export counts itself with one from
//     any open value, so a release and an export cannot both win (no lock: a request pays two atomics);
//   - the registration is removed exactly once, by Release, by the last operation to leave, or by
//     ReleaseUnreachable (a finalizer: nobody can reach the view, exports or not).
// Invariant: _state holds the released bit and the number of operations inside; after the bit is
// set the count only falls, so exactly one party sees "released and empty". _exports is the number
// of outstanding exports, or Closed once Release won; it is closed only from 0.
using System.Threading;
using NewBuffer.Protocol;

namespace NewBuffer.Views;

/// <summary>A registered view on a <see cref="ManagedBuffer"/> whose release waits for operations in progress.</summary>
public sealed class ViewHandle
{
    private const int ReleasedBit = 1 << 30;
    private const int Closed = -1;
    private const string ReleasedMessage = "operation forbidden on released memoryview object";

    private int _state;
    private int _exports;

    // Cleared when the registration is removed, so a released view that is still referenced does not
    // keep the managed buffer (and through it the export of views dropped unreleased) reachable.
    private ManagedBuffer? _buffer;

    /// <summary>Registers <paramref name="view"/> on <paramref name="buffer"/>.</summary>
    /// <exception cref="BufferException">The buffer's export was already released (Kind Value).</exception>
    public ViewHandle(ManagedBuffer buffer, ArrayView view)
    {
        System.ArgumentNullException.ThrowIfNull(buffer);
        buffer.AddView();
        _buffer = buffer;
        View = view;
    }

    /// <summary>The shared export this view is registered on.</summary>
    /// <exception cref="BufferException">The view's registration was removed by its release (Kind Value).</exception>
    public ManagedBuffer Buffer => Volatile.Read(ref _buffer) ?? ThrowHelper.Throw<ManagedBuffer>(BufferErrorKind.Value, ReleasedMessage);

    /// <summary>The view's geometry and format; reading its memory needs <see cref="Enter"/>.</summary>
    public ArrayView View { get; }

    /// <summary>True once released; operations then fail.</summary>
    public bool IsReleased => (Volatile.Read(ref _state) & ReleasedBit) != 0;

    /// <summary>Begins an operation on the view's memory; dispose the result when done.</summary>
    /// <exception cref="BufferException">The view was released (Kind Value, CPython's message).</exception>
    public Operation Enter()
    {
        if (!TryEnter(out Operation operation))
        {
            ThrowReleased();
        }

        return operation;
    }

    /// <summary>Begins an operation unless the view was released.</summary>
    public bool TryEnter(out Operation operation)
    {
        int state = Volatile.Read(ref _state);
        while ((state & ReleasedBit) == 0)
        {
            int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                operation = new Operation(this);
                return true;
            }

            state = seen;
        }

        operation = default;
        return false;
    }

    /// <summary>Counts a buffer exported from this view (C's <c>exports++</c> in memory_getbuf).</summary>
    /// <exception cref="BufferException">The view was released (Kind Value).</exception>
    public void AddExport()
    {
        int exports = Volatile.Read(ref _exports);
        while (true)
        {
            // A view released unreachable (its finalizer) keeps its count open for exports still out.
            if (exports == Closed || IsReleased)
            {
                ThrowReleased();
            }

            int seen = Interlocked.CompareExchange(ref _exports, exports + 1, exports);
            if (seen == exports)
            {
                return;
            }

            exports = seen;
        }
    }

    /// <summary>Uncounts a buffer exported from this view.</summary>
    /// <remarks>The count cannot be closed while this export is out, so a plain decrement is exact.</remarks>
    public void RemoveExport() => Interlocked.Decrement(ref _exports);

    /// <summary><c>memoryview.release()</c>: false when already released.</summary>
    /// <exception cref="BufferException">Buffers exported from the view are outstanding (Kind Buffer, CPython's message).</exception>
    public bool Release()
    {
        int exports = Interlocked.CompareExchange(ref _exports, Closed, 0);
        if (exports == Closed || (exports == 0 && IsReleased))
        {
            return false;
        }

        if (exports > 0)
        {
            if (IsReleased)
            {
                return false;
            }

            ThrowHelper.ThrowBuffer($"memoryview has {exports} exported buffer{(exports == 1 ? string.Empty : "s")}");
        }

        int before = Interlocked.Or(ref _state, ReleasedBit);
        if (before == 0)
        {
            Remove();
        }

        return (before & ReleasedBit) == 0;
    }

    /// <summary>Releases a view nobody can reach any more (a finalizer), whatever its exports.</summary>
    public void ReleaseUnreachable()
    {
        int before = Interlocked.Or(ref _state, ReleasedBit);
        if (before == 0)
        {
            Remove();
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _state) == ReleasedBit)
        {
            Remove();
        }
    }

    private void Remove() => Interlocked.Exchange(ref _buffer, null)?.RemoveView();

    private static void ThrowReleased() => ThrowHelper.ThrowValue(ReleasedMessage);

    /// <summary>An operation in progress on a view's memory; the view's registration outlives it.</summary>
    public readonly struct Operation : System.IDisposable
    {
        private readonly ViewHandle? _handle;

        internal Operation(ViewHandle handle) => _handle = handle;

        /// <summary>The view to operate on.</summary>
        public ArrayView View => _handle!.View;

        /// <summary>True once the view was released while this operation ran (by code it called, or another thread);
        /// the memory stays valid until the operation ends, but the operation should not use it.</summary>
        public bool IsReleased => _handle!.IsReleased;

        /// <summary>Fails with CPython's ValueError when the view was released while this operation ran: an
        /// operation checks again after converting its arguments (CPython's CHECK_RELEASED_AGAIN, gh-92888).</summary>
        /// <exception cref="BufferException">The view was released (Kind Value).</exception>
        public void ThrowIfReleased()
        {
            if (IsReleased)
            {
                ThrowReleased();
            }
        }

        /// <summary>Ends the operation.</summary>
        public void Dispose() => _handle?.Exit();
    }
}
