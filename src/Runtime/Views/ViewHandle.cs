// One memoryview's hold on a shared export (CPython's PyMemoryViewObject without the host): its
// ArrayView, its hold on the ManagedBuffer, the count of buffers exported from it, and its release.
// Two kinds of handle share this type:
//   - a head (memoryview(obj), memoryview(m), a lease) registers on the ManagedBuffer, and removes
//     its registration once released and every operation inside it has left;
//   - a member (a slice, a cast, toreadonly(), and anything derived from those) belongs to the head
//     it was derived from, directly or not, and registers nowhere: the head's registration covers it,
//     since a member is released with its head. So releasing the head releases the export at once,
//     whatever derived temporaries are still referenced (IronPython collects them late, if ever),
//     and a long-lived head keeps no list of its members (a member points to its head, never back).
// IronPython has no GIL, so a view may be released on one thread while others read it:
//   - every access to the memory runs inside Enter()...Dispose(); once released, Enter fails with
//     CPython's ValueError text. A member's operation is also an operation of its head, so the head's
//     registration, removed only when the head is released and its operation count drains, outlives
//     every operation in progress on any member;
//   - Release() refuses while buffers exported from the view itself are outstanding (BufferError): it
//     closes the export count with one compare-and-swap from 0, and an export counts itself with one
//     from any open value, so a release and an export cannot both win (no lock: a request pays two
//     atomics). A buffer exported from a member also holds the head as an operation does, until it is
//     released: a consumer holding it keeps reading valid memory after the head's release, which
//     refuses only for the head's own exports, as CPython's release() does;
//   - the registration is removed exactly once: by the head's Release or by the last operation (or
//     member export) to leave after it.
// Invariant: a head's _state holds the released bit and the number of operations inside, member
// operations and member exports included; after the bit is set the count only falls, so exactly one
// party sees "released and empty". A member's _state is only its own released bit; it is released
// when that bit or its head's is set. A member enters its head's count with the same compare-and-swap
// that refuses after the head's bit, so a member operation or export either began before the head's
// release (and holds the registration until it ends) or fails; a failed step after entering leaves
// the count again. _exports is the number of the view's own outstanding exports, or Closed once its
// Release won; it is closed only from 0.
using System.Threading;
using NewBuffer.Protocol;

namespace NewBuffer.Views;

/// <summary>A view on a <see cref="ManagedBuffer"/> whose release waits for operations in progress and closes the views derived from it.</summary>
public sealed class ViewHandle
{
    private const int ReleasedBit = 1 << 30;
    private const int Closed = -1;
    private const string ReleasedMessage = "operation forbidden on released memoryview object";

    private int _state;
    private int _exports;

    // The head this member belongs to; null for a head.
    private readonly ViewHandle? _head;

    // A head's registration, cleared when it is removed, so a released view that is still referenced does
    // not keep the managed buffer (and through it the export of views dropped unreleased) reachable.
    private ManagedBuffer? _buffer;

    /// <summary>A head: registers <paramref name="view"/> on <paramref name="buffer"/>.</summary>
    /// <exception cref="BufferException">The buffer's export was already released (Kind Value).</exception>
    public ViewHandle(ManagedBuffer buffer, ArrayView view)
    {
        System.ArgumentNullException.ThrowIfNull(buffer);
        buffer.AddView();
        _buffer = buffer;
        View = view;
    }

    private ViewHandle(ViewHandle head, ArrayView view)
    {
        _head = head;
        View = view;
    }

    /// <summary>The shared export this view reads (its head's).</summary>
    /// <exception cref="BufferException">The head's registration was removed by its release (Kind Value).</exception>
    public ManagedBuffer Buffer => Volatile.Read(ref Head._buffer) ?? ThrowHelper.Throw<ManagedBuffer>(BufferErrorKind.Value, ReleasedMessage);

    /// <summary>The view's geometry and format; reading its memory needs <see cref="Enter"/>.</summary>
    public ArrayView View { get; }

    /// <summary>True for a view derived with <see cref="Derive"/>, released with its head.</summary>
    public bool IsMember => _head is not null;

    /// <summary>True once released (a member: or its head); operations then fail.</summary>
    public bool IsReleased => (Volatile.Read(ref _state) & ReleasedBit) != 0 || (_head is not null && _head.IsReleased);

    private ViewHandle Head => _head ?? this;

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
        // A member released on its own removes nothing, so its bit needs no ordering with the head's count.
        if (_head is not null && (Volatile.Read(ref _state) & ReleasedBit) != 0)
        {
            operation = default;
            return false;
        }

        if (Head.TryEnterCount())
        {
            operation = new Operation(this);
            return true;
        }

        operation = default;
        return false;
    }

    /// <summary>A view of the same memory released with this one's head (C's mbuf_add_view for a slice or a cast).</summary>
    /// <exception cref="BufferException">The view was released (Kind Value).</exception>
    public ViewHandle Derive(ArrayView view)
    {
        using Operation operation = Enter();
        return operation.Derive(view);
    }

    /// <summary>Counts a buffer exported from this view (C's <c>exports++</c> in memory_getbuf).</summary>
    /// <exception cref="BufferException">The view was released (Kind Value).</exception>
    public void AddExport()
    {
        // A member's export holds its head like an operation, released by RemoveExport.
        if (_head is not null && !_head.TryEnterCount())
        {
            ThrowReleased();
        }

        int exports = Volatile.Read(ref _exports);
        while (true)
        {
            if (exports == Closed || (_head is null && IsReleased))
            {
                _head?.Exit();
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
    public void RemoveExport()
    {
        Interlocked.Decrement(ref _exports);
        _head?.Exit();
    }

    /// <summary><c>memoryview.release()</c>: false when already released (a member: also when its head was).</summary>
    /// <exception cref="BufferException">Buffers exported from the view are outstanding (Kind Buffer, CPython's message).</exception>
    public bool Release()
    {
        int exports = Interlocked.CompareExchange(ref _exports, Closed, 0);
        if (exports == Closed || IsReleased)
        {
            return false;
        }

        if (exports > 0)
        {
            ThrowHelper.ThrowBuffer($"memoryview has {BufferErrors.ExportedBuffers(exports)}");
        }

        int before = Interlocked.Or(ref _state, ReleasedBit);
        if (before == 0 && _head is null)
        {
            Remove();
        }

        return (before & ReleasedBit) == 0;
    }

    private bool TryEnterCount()
    {
        int state = Volatile.Read(ref _state);
        while ((state & ReleasedBit) == 0)
        {
            int seen = Interlocked.CompareExchange(ref _state, state + 1, state);
            if (seen == state)
            {
                return true;
            }

            state = seen;
        }

        return false;
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

    /// <summary>An operation in progress on a view's memory; the registration of the view's head outlives it.</summary>
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

        /// <summary>A view of the same memory: a member of the operated view's head, or, when that head was released
        /// while this operation ran, a head registered on its own (the registration this operation holds makes that
        /// possible). CPython's slice registers on the export before converting its bounds, so a release by that
        /// conversion (an <c>__index__</c>) leaves the slice usable; this keeps that outcome.</summary>
        public ViewHandle Derive(ArrayView view)
        {
            ViewHandle head = _handle!.Head;
            return head.IsReleased ? new ViewHandle(head.Buffer, view) : new ViewHandle(head, view);
        }

        /// <summary>Ends the operation.</summary>
        public void Dispose() => _handle?.Head.Exit();
    }
}
