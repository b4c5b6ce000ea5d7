// newbuffer.Py_buffer: the C struct's fields as attributes, with pygame's behaviour and messages.
// Two roles:
//   - passed to BufferMixin._get_buffer: settable during the call, detached after it (any access then
//     raises "undefined for an unallocated view"); passed read-only to _release_buffer;
//   - standalone importer: Py_buffer().get_buffer(obj, flags) fills it with exactly what the exporter
//     answered, unverified (but for arrays of other than ndim entries, which a C struct cannot hold:
//     ViewVerifier.AcquireRaw), and release_buffer() gives it back; the truth value says whether a
//     struct is allocated. verify() checks the answer against the request; memoryview() views it,
//     verified the same way: each such memoryview is an export *from* the Py_buffer (counted under the
//     gate), so the Py_buffer keeps owning the one export and release_buffer() refuses (BufferError,
//     as memoryview.release() does) until every memoryview over it is released.
//
// Pointer fields (buf, format, shape, strides, suboffsets) read as integer addresses or None, as in
// pygame, so ctypes can read them: values we hold as .NET strings and arrays are written once into
// pinned memory (registered, so the addresses resolve back). They accept integer addresses (resolved
// when the call returns, as C code reads them after bf_getbuffer), and, beyond pygame, Python values:
// a str format, tuples for shape/strides/suboffsets, and any exporter for buf (its memory, held until
// release). The *_tuple/format_string attributes read the same fields as Python values.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Geometry;
using NewBuffer.IronPython.Exporters;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;

namespace NewBuffer.IronPython;

public static partial class NewBufferModule
{
    /// <summary>A Python view of one <c>Py_buffer</c> struct (pygame's <c>newbuffer.Py_buffer</c>).</summary>
    [PythonType("Py_buffer")]
    [Documentation("Py_buffer(buffer_address=None, filled=False, preserve=False)\n\n"
        + "The fields of a C Py_buffer struct as attributes: obj buf len readonly format itemsize ndim shape\n"
        + "strides suboffsets internal. Pointer fields read as integer addresses (or None). Use\n"
        + "get_buffer(obj, flags) to fill it from any exporter, verify() or memoryview() to check or read\n"
        + "the answer, and release_buffer() to give it back.")]
    public sealed class PyBufferObject
    {
        // Created on first use: most wrappers see only Python values and never need them.
        private Dictionary<string, (Memory.ManagedMemoryBlock Block, object Value)>? _materialized;
        private Dictionary<string, long>? _pendingAddresses;
        private List<BufferView>? _held;
        private static readonly string[] s_arrayFields = [nameof(shape), nameof(strides), nameof(suboffsets)];

        // Only a standalone struct (get_buffer) is shared between threads; the wrappers lent to every
        // _get_buffer call never lock, so they do not allocate the gate.
        private object? _gate;
        private readonly CodeContext? _context;
        private BufferView? _view;
        private bool _filled;
        private bool _filling;
        private bool _ownsExport;
        private int _exports;
        private ExportGuard? _guard;
        private Protocol.BufferFlags _request;

        /// <summary>An unallocated Py_buffer, ready for get_buffer.</summary>
        public PyBufferObject(object? buffer_address = null, bool filled = false, bool preserve = false)
        {
            if (buffer_address is not null)
            {
                throw PythonErrors.ValueError("argument buffer_address is not supported: IronPython has no C Py_buffer structs");
            }

            if (filled || preserve)
            {
                throw PythonErrors.ValueError($"argument {(filled ? "filled" : "preserve")} cannot be True for a NULL buffer_address");
            }
        }

        private PyBufferObject(BufferView view, bool filled, CodeContext? context)
        {
            _view = view;
            _filled = filled;
            _context = context;
        }

        /// <summary>The exporters whose memory a <c>buf</c> assignment borrowed; released with the view.</summary>
        internal IReadOnlyList<BufferView> Held => (IReadOnlyList<BufferView>?)_held ?? [];

        [Documentation("The exporting object (Py_buffer.obj), or None.")]

        public object? obj
        {
            get => View(nameof(obj)).Obj;
            set => Settable(nameof(obj)).Obj = value;
        }

        [Documentation("Address of the first item (Py_buffer.buf) as an integer, or None. Set it to an integer address or to any object with a buffer.")]

        public object? buf
        {
            get
            {
                BufferView view = View(nameof(buf));
                return TryPending(nameof(buf), out long address) ? PythonValues.ToPython(address)
                    : view.Buf.IsNull ? null : PythonValues.ToPython(view.Buf.Address);
            }

            set
            {
                BufferView view = Settable(nameof(buf));
                _pendingAddresses?.Remove(nameof(buf));
                if (value is null)
                {
                    view.Buf = default;
                }
                else if (IsInteger(value))
                {
                    (_pendingAddresses ??= [])[nameof(buf)] = PythonValues.ToLong(value, "property buf");
                }
                else
                {
                    // The exporter's runtime decides what value is (a host may run several engines).
                    CodeContext context = _context ?? DefaultContext.Default;
                    IBufferExporter exporter = ExporterDispatch.TryCreate(context, value)
                        ?? throw PythonErrors.TypeError($"property buf must be a Python integer or an object with a buffer, not '{PythonErrors.TypeName(value)}'");
                    BufferView borrowed = BufferView.Acquire(exporter, Protocol.BufferFlags.Simple);

                    (_held ??= new(1)).Add(borrowed); // one buf is the usual case
                    view.Buf = borrowed.Buf;
                }
            }
        }

        [Documentation("product(shape) * itemsize (Py_buffer.len).")]

        public object len
        {
            get => PythonValues.ToPython(View(nameof(len)).Len);
            set => Settable(nameof(len)).Len = PythonValues.ToLong(value, "property len");
        }

        [Documentation("True when the memory must not be written (Py_buffer.readonly).")]

        public bool @readonly
        {
            get => View("readonly").ReadOnly;
            set => Settable("readonly").ReadOnly = value;
        }

        [Documentation("Address of the NUL-terminated struct format (Py_buffer.format), or None for 'B'. Set it to an address or a str.")]

        public object? format
        {
            get
            {
                BufferView view = View(nameof(format));
                if (TryPending(nameof(format), out long address))
                {
                    return PythonValues.ToPython(address);
                }

                return view.Format is null ? null : Materialize(nameof(format), view.Format, () => CString(view.Format));
            }

            set
            {
                BufferView view = Settable(nameof(format));
                _pendingAddresses?.Remove(nameof(format));
                switch (value)
                {
                    case null:
                        view.Format = null;
                        break;
                    case string text:
                        view.Format = text;
                        break;
                    default:
                        (_pendingAddresses ??= [])[nameof(format)] = PythonValues.ToLong(value, "property format");
                        break;
                }
            }
        }

        [Documentation("Bytes per item (Py_buffer.itemsize).")]

        public object itemsize
        {
            get => PythonValues.ToPython(View(nameof(itemsize)).ItemSize);
            set => Settable(nameof(itemsize)).ItemSize = PythonValues.ToLong(value, "property itemsize");
        }

        [Documentation("Number of dimensions (Py_buffer.ndim); 0 for a scalar.")]

        public object ndim
        {
            get => View(nameof(ndim)).NDim;
            set
            {
                long n = PythonValues.ToLong(value, "property ndim");
                Settable(nameof(ndim)).NDim = n is >= int.MinValue and <= int.MaxValue ? (int)n
                    : throw PythonOps.OverflowError("{0}", "property ndim does not fit in a C int");
            }
        }

        [Documentation("Address of ndim Py_ssize_t values (Py_buffer.shape), or None. Set it to an address or a tuple.")]

        public object? shape
        {
            get => ArrayField(nameof(shape), v => v.HasShape ? v.Shape.ToArray() : null);
            set => SetArrayField(nameof(shape), value);
        }

        [Documentation("Address of ndim Py_ssize_t values (Py_buffer.strides), or None. Set it to an address or a tuple.")]

        public object? strides
        {
            get => ArrayField(nameof(strides), v => v.HasStrides ? v.Strides.ToArray() : null);
            set => SetArrayField(nameof(strides), value);
        }

        [Documentation("Address of ndim Py_ssize_t values (Py_buffer.suboffsets), or None. Set it to an address or a tuple.")]

        public object? suboffsets
        {
            get => ArrayField(nameof(suboffsets), v => v.HasSuboffsets ? v.Suboffsets.ToArray() : null);
            set => SetArrayField(nameof(suboffsets), value);
        }

        [Documentation("Whatever the exporter keeps for release (Py_buffer.internal).")]

        public object? @internal
        {
            get => View("internal").Internal;
            set => Settable("internal").Internal = value;
        }

        /// <summary>The format as a str (None for NULL), beyond pygame.</summary>
        [Documentation("The format as a str (None for NULL); beyond pygame.")]

        public string? format_string => Committed(nameof(format_string)).Format;

        /// <summary>The shape as a tuple (None for NULL), beyond pygame.</summary>
        [Documentation("The shape as a tuple (None for NULL); beyond pygame.")]

        public PythonTuple? shape_tuple => Committed(nameof(shape_tuple)) is { HasShape: true } v ? PythonValues.TupleOf(v.Shape) : null;

        /// <summary>The strides as a tuple (None for NULL), beyond pygame.</summary>
        [Documentation("The strides as a tuple (None for NULL); beyond pygame.")]

        public PythonTuple? strides_tuple => Committed(nameof(strides_tuple)) is { HasStrides: true } v ? PythonValues.TupleOf(v.Strides) : null;

        /// <summary>The suboffsets as a tuple (None for NULL), beyond pygame.</summary>
        [Documentation("The suboffsets as a tuple (None for NULL); beyond pygame.")]

        public PythonTuple? suboffsets_tuple => Committed(nameof(suboffsets_tuple)) is { HasSuboffsets: true } v ? PythonValues.TupleOf(v.Suboffsets) : null;

        [Documentation("get_buffer(obj, flags=PyBUF_SIMPLE)\n\nFill in the fields with obj's answer to flags, exactly as the exporter made them (unverified;\n"
            + "shape, strides and suboffsets must hold ndim entries, as the C struct's arrays do).")]
        public void get_buffer(CodeContext context, object? obj, [Optional, DefaultParameterValue(PyBUF_SIMPLE)] object? flags)
        {
            // pygame parses "O|i": a C int, read before anything else happens.
            int request = PythonValues.ToIntArgument(flags);

            // Threads racing to fill one struct: one wins, the others see it filled (no export is lost).
            lock (Gate)
            {
                if (_filled || _filling)
                {
                    throw PythonErrors.ValueError("The Py_buffer struct is already filled in");
                }

                if (_view is not null)
                {
                    // Lent to _get_buffer: the consumer's view is this one, and an export filled in here
                    // would be neither the consumer's answer nor ever released.
                    throw PythonErrors.ValueError("get_buffer() cannot fill the Py_buffer lent to _get_buffer; "
                        + "set its fields, or pass another exporter's view on with __buffer__");
                }

                _filling = true;
            }

            BufferView? view = null;
            try
            {
                IBufferExporter exporter = ExporterDispatch.Create(context, obj, string.Empty);
                view = ViewVerifier.AcquireRaw(exporter, (Protocol.BufferFlags)request, "Py_buffer");
            }
            finally
            {
                lock (Gate)
                {
                    _filling = false;
                    if (view is not null)
                    {
                        _view = view;
                        _filled = true;
                        _ownsExport = true;
                        _request = (Protocol.BufferFlags)request;
                        _materialized = null;
                        _guard = new ExportGuard(view);
                    }
                }
            }
        }

        [Documentation("release_buffer()\n\nRelease a buffer filled by get_buffer; afterwards the struct is unallocated.")]
        public void release_buffer()
        {
            BufferView view;
            lock (Gate)
            {
                if (!_filled || !_ownsExport || _view is null)
                {
                    return;
                }

                if (_exports > 0)
                {
                    throw PythonErrors.BufferError($"Py_buffer has {BufferErrors.ExportedBuffers(_exports)}");
                }

                view = _view;
                _ownsExport = false;
                _filled = false;
                _view = null;
                _guard?.Disarm();
                _guard = null;
            }

            // Outside the lock: the release may call back into the exporter's Python code.
            view.Release();
        }

        [Documentation("verify()\n\nCheck the view filled by get_buffer as a consumer must before reading it, against the flags\n"
            + "it was requested with: None when valid, else the error newbuffer.request would raise for the same\n"
            + "answer (ValueError for a broken structure, BufferError for an answer that ignores the request).")]
        public void verify()
        {
            // Under the gate: release_buffer cannot free the memory the verifier follows (suboffset pointers).
            lock (Gate)
            {
                ViewVerifier.Verify(Owned(nameof(verify)), _request, "memoryview");
            }
        }

        [Documentation("memoryview()\n\nA newbuffer.memoryview of the view filled by get_buffer, reading the exporter's memory, verified\n"
            + "against the flags it was requested with (raising what verify() raises). The Py_buffer keeps the export:\n"
            + "release_buffer() raises BufferError until every memoryview made here is released.")]
        public MemoryViewObject memoryview()
        {
            // Under the gate: release_buffer cannot free the memory the verifier follows, nor miss this export.
            lock (Gate)
            {
                Owned(nameof(memoryview));
                BufferView export = BufferView.Acquire(new AnswerExport(this), _request);
                try
                {
                    return MemoryViewObject.FromView(export, _request);
                }
                catch
                {
                    export.Release();
                    throw;
                }
            }
        }

        public bool __bool__() => _view is not null;

        public string __repr__(CodeContext context) => _view is null
            ? "<Py_buffer (unallocated)>"
            : $"<Py_buffer obj={PythonOps.Repr(context, _view.Obj)} len={_view.Len} itemsize={_view.ItemSize} ndim={_view.NDim} readonly={(_view.ReadOnly ? "True" : "False")}>";

        private bool TryPending(string name, out long address)
        {
            address = 0;
            return _pendingAddresses is not null && _pendingAddresses.TryGetValue(name, out address);
        }

        /// <summary>A wrapper whose fields the exporter fills during <c>_get_buffer</c>.</summary>
        internal static PyBufferObject ForFilling(BufferView view, CodeContext context) => new(view, filled: false, context);

        /// <summary>A read-only wrapper for <c>_release_buffer</c>.</summary>
        internal static PyBufferObject ForReleasing(BufferView view) => new(view, filled: true, context: null);

        /// <summary>Releases a standalone export the program forgot to release. A separate object, made only
        /// by get_buffer, so the wrappers lent to every _get_buffer call are not finalizable.</summary>
        private sealed class ExportGuard
        {
            private readonly BufferView _view;

            public ExportGuard(BufferView view) => _view = view;

            ~ExportGuard()
            {
                try
                {
                    _view.Release();
                }
                catch (Exception)
                {
                    // A finalizer must never throw; release callbacks already report their own errors.
                }
            }

            public void Disarm() => GC.SuppressFinalize(this);
        }

        /// <summary>The filled answer, exported again to a memoryview over it: a copy of its fields, counted on the Py_buffer.</summary>
        private sealed class AnswerExport : IBufferExporter
        {
            private readonly PyBufferObject _owner;

            public AnswerExport(PyBufferObject owner) => _owner = owner;

            public void GetBuffer(BufferView view, Protocol.BufferFlags flags)
            {
                lock (_owner.Gate)
                {
                    BufferView answer = _owner.Owned("memoryview");
                    view.CopyLayoutFrom(answer);
                    view.Obj = answer.Obj;
                    _owner._exports++;
                }
            }

            public void ReleaseBuffer(BufferView view)
            {
                lock (_owner.Gate)
                {
                    _owner._exports--;
                }
            }
        }

        /// <summary>Resolves addresses Python code stored, then detaches: the view is the caller's from now on.</summary>
        internal void CommitAndDetach(object? exporter)
        {
            BufferView view = _view!;
            try
            {
                ReadOnlySpan<object?> hints = [exporter, view.Obj];
                if (TryPending(nameof(buf), out long bufAddress))
                {
                    view.Buf = MemoryResolver.Resolve(bufAddress, 0, Math.Max(view.Len, 0), hints, nameof(buf));
                }

                if (TryPending(nameof(format), out long formatAddress))
                {
                    view.Format = ReadCString(MemoryResolver.Resolve(formatAddress, 1, 256, hints, nameof(format)));
                }

                int ndim = Math.Max(view.NDim, 0);
                foreach (string field in s_arrayFields)
                {
                    if (TryPending(field, out long address))
                    {
                        BufferPointer p = MemoryResolver.Resolve(address, ndim * 8L, ndim * 8L, hints, field);
                        WriteArray(view, field, MemoryMarshal.Cast<byte, long>(p.Slice(ndim * 8L)));
                    }
                }
            }
            finally
            {
                _pendingAddresses = null;
                Detach();
            }
        }

        /// <summary>Detaches from the view: every field access now raises, as pygame's wrapper after the call.</summary>
        internal void Detach()
        {
            _view = null;
            _filled = false;
        }

        private object Gate => Volatile.Read(ref _gate) ?? Interlocked.CompareExchange(ref _gate, new object(), null) ?? _gate!;

        /// <summary>The view get_buffer filled; the Py_buffers lent to an exporter hold no answer to a request yet.</summary>
        private BufferView Owned(string method) => _ownsExport && _view is not null ? _view
            : throw PythonErrors.ValueError(_view is null ? $"{method}() is undefined for an unallocated view: fill it with get_buffer first"
                : $"{method}() needs a Py_buffer filled by get_buffer, not one lent to an exporter");

        private BufferView View(string name) =>
            _view ?? throw PythonErrors.AttributeError($"property {name} is undefined for an unallocated view");

        private BufferView Committed(string name)
        {
            BufferView view = View(name);
            if (_pendingAddresses is { Count: > 0 })
            {
                throw PythonErrors.ValueError($"{name} is not known until the fields set by address are read, after _get_buffer returns");
            }

            return view;
        }

        private BufferView Settable(string name)
        {
            BufferView view = View(name);
            if (_filled)
            {
                throw PythonErrors.AttributeError($"property {name} is read-only");
            }

            return view;
        }

        private object? ArrayField(string name, Func<BufferView, long[]?> read)
        {
            BufferView view = View(name);
            if (TryPending(name, out long address))
            {
                return PythonValues.ToPython(address);
            }

            long[]? values = read(view);
            if (values is null)
            {
                return null;
            }

            return Materialize(name, string.Join(",", values), () =>
            {
                var bytes = new byte[values.Length * 8];
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes);
                return bytes;
            });
        }

        private void SetArrayField(string name, object? value)
        {
            BufferView view = Settable(name);
            _pendingAddresses?.Remove(name);
            if (value is null)
            {
                WriteArray(view, name, default, isNull: true);
            }
            else if (value is PythonTuple or PythonList)
            {
                // Converted on the stack: the view keeps a copy (one array per field, not two).
                var sequence = (IList<object?>)value;
                Span<long> items = sequence.Count <= ViewLayout.MaxNDim ? stackalloc long[sequence.Count] : new long[sequence.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    // A Python int needs no __index__, and no error message built for an error it cannot raise.
                    object? item = sequence[i];
                    items[i] = item is int small ? small : PythonValues.ToLong(item, $"items of {name}");
                }

                WriteArray(view, name, items);
            }
            else if (IsInteger(value))
            {
                (_pendingAddresses ??= [])[name] = PythonValues.ToLong(value, $"property {name}");
            }
            else
            {
                throw PythonErrors.TypeError($"property {name} must be a Python integer, not '{PythonErrors.TypeName(value)}'");
            }
        }

        /// <summary>Sets the array field named <paramref name="field"/> to a copy of <paramref name="values"/>, or to NULL
        /// when <paramref name="isNull"/>: a span cannot say NULL, which is not an empty array (a 0-d view's shape is empty).</summary>
        private static void WriteArray(BufferView view, string field, ReadOnlySpan<long> values, bool isNull = false)
        {
            switch (field)
            {
                case nameof(shape) when isNull:
                    view.SetShape(null);
                    break;
                case nameof(shape):
                    view.SetShape(values);
                    break;
                case nameof(strides) when isNull:
                    view.SetStrides(null);
                    break;
                case nameof(strides):
                    view.SetStrides(values);
                    break;
                case nameof(suboffsets) when isNull:
                    view.SetSuboffsets(null);
                    break;
                default:
                    view.SetSuboffsets(values);
                    break;
            }
        }

        /// <summary>Writes a field's value into pinned, registered memory once and returns its address.</summary>
        private object? Materialize(string name, object key, Func<byte[]> bytes)
        {
            if (_materialized is null || !_materialized.TryGetValue(name, out var cached) || !cached.Value.Equals(key))
            {
                byte[] content = bytes();
                byte[] pinned = GC.AllocateArray<byte>(Math.Max(content.Length, 1), pinned: true);
                content.CopyTo(pinned, 0);
                cached = (new Memory.ManagedMemoryBlock(pinned), key);
                (_materialized ??= [])[name] = cached;
            }

            return PythonValues.ToPython(cached.Block.Address);
        }

        private static byte[] CString(string text)
        {
            byte[] ascii = Encoding.ASCII.GetBytes(text);
            Array.Resize(ref ascii, ascii.Length + 1);
            return ascii;
        }

        private static string ReadCString(BufferPointer p)
        {
            // The rest of its block, as far as one span reaches: a format string is never longer.
            Span<byte> rest = p.Slice(Math.Min(p.Block!.Length - p.Offset, int.MaxValue));
            int end = rest.IndexOf((byte)0);
            if (end < 0)
            {
                throw PythonErrors.ValueError("Py_buffer.format: the string has no terminating NUL inside its memory");
            }

            return Encoding.ASCII.GetString(rest[..end]);
        }

        private static bool IsInteger(object value) => value switch
        {
            int or long or System.Numerics.BigInteger => true,

            // Known not to be integers without asking for __index__ (a slot lookup costs more than the rest of a
            // field's assignment): IronPython's own buffers and newbuffer's memoryview, on every request's buf.
            bool or string or PythonTuple or PythonList => false,
            IBufferProtocol and not IPythonObject => false,
            _ => PythonOps.TryGetBoundAttr(value, "__index__", out _),
        };
    }
}
