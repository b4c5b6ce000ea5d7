// newbuffer.memoryview: CPython's memoryview over any exporter, plus what CPython lacks
// (multi-dimensional indexing and slicing, suboffsets everywhere, any struct format in tolist and
// comparisons). The logic is the core's ArrayView; this type parses Python arguments, converts
// values and owns the lifetime:
//   - memoryview(obj) and memoryview(m) are heads: each registers on the shared ManagedBuffer, which
//     releases the exporter's view once, when the last head goes;
//   - slices, casts and toreadonly() (and views derived from those) are members of the head they
//     came from (the core's ViewHandle.Derive): released with it, so leaving `with memoryview(x) as m`
//     releases the export at once, whatever temporaries like m[1:] are still referenced. Unlike
//     CPython, where a slice outlives its released parent by reference counting, a member is unusable
//     once its head is released: without reference counts this is the only deterministic release;
//   - buffers exported *from* a view are counted; release() refuses while any of its own is
//     outstanding; one exported from a member keeps the memory valid until released, after its head's
//     release too;
//   - after release every operation raises ValueError; views dropped unreleased have no finalizer:
//     the export's reclaimer, held by the shared ManagedBuffer, releases it once all of them are gone;
//   - every access to the memory runs inside the core ViewHandle's Enter, so a release on another
//     thread (IronPython has no GIL) takes effect for the memory only when those accesses are done.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;
using IronPython.Runtime;
using Microsoft.Scripting;
using Microsoft.Scripting.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.IronPython.Exporters;
using NewBuffer.IronPython.Views;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NewBuffer.Views;
using CoreFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

public static partial class NewBufferModule
{
    /// <summary>A memoryview over any buffer exporter (<c>newbuffer.memoryview</c>).</summary>
    [PythonType("memoryview")]
    [Documentation("memoryview(object)\n\nCreate a new memoryview object which references the given object.\n"
        + "Like CPython's, plus multi-dimensional indexing and slicing, suboffsets and any struct format.")]
    public class MemoryViewObject : IBufferExporter, IBufferProtocol, IEnumerable, IWeakReferenceable
    {
        private readonly ViewHandle? _handle;
        private WeakRefTracker? _tracker;

        /// <summary>Set on the view a release method receives for a builtin's export (CPython's
        /// _Py_MEMORYVIEW_RESTRICTED): it can be read but no new view can keep its memory.</summary>
        private bool _restricted;

        /// <summary>The hash once computed (CPython caches it, so it still answers after release); a boxed int.</summary>
        private object? _hash;

        /// <summary>A view of <paramref name="object"/>'s buffer (requested with PyBUF_FULL_RO).</summary>
        public MemoryViewObject(CodeContext context, object? @object)
            : this(context, @object, CoreFlags.FullRO, shareMemoryView: true)
        {
        }

        /// <summary>Any other call: CPython's argument errors for memoryview itself; Python subclasses whose __init__ takes
        /// more arguments get them ignored (CPython's object.__new__ ignores them too).</summary>
        public MemoryViewObject(CodeContext context, [ParamDictionary] IDictionary<string, object?> keywords, params object?[] args)
            : this(context, ObjectArgument(keywords, args, exact: false), CoreFlags.FullRO, shareMemoryView: true)
        {
            if (GetType() == typeof(MemoryViewObject))
            {
                try
                {
                    ObjectArgument(keywords, args, exact: true);
                }
                catch
                {
                    release();
                    throw;
                }
            }
        }

        /// <param name="context">The calling context.</param>
        /// <param name="source">The exporter.</param>
        /// <param name="flags">The request.</param>
        /// <param name="shareMemoryView">memoryview(m) shares m's export, as CPython's PyMemoryView_FromObject
        /// does; _from_flags and __buffer__ request a new export from m instead.</param>
        private MemoryViewObject(CodeContext context, object? source, CoreFlags flags, bool shareMemoryView)
        {
            if (source is MemoryViewObject other && shareMemoryView)
            {
                other.ThrowIfRestricted();
                _handle = Register(other.Handle.Buffer, other.Live());
            }
            else
            {
                IBufferExporter exporter = ExporterDispatch.Create(context, source, "memoryview: ");
                VerifiedView verified = ViewVerifier.Acquire(exporter, flags, "memoryview", out BufferView export);
                _handle = Register(new ManagedBuffer(export), ArrayView.From(verified));
            }
        }

        private MemoryViewObject(ManagedBuffer buffer, ArrayView view)
        {
            _handle = Register(buffer, view);
        }

        private MemoryViewObject(ViewHandle handle)
        {
            _handle = handle;
        }

        /// <summary>memoryview(object): the one argument, positional or by name, with Argument Clinic's messages (which
        /// count every argument before naming any); <paramref name="exact"/> also refuses what a Python subclass may pass
        /// on to its __init__, where the positional argument wins.</summary>
        private static object? ObjectArgument(IDictionary<string, object?> keywords, object?[] args, bool exact)
        {
            int given = args.Length + keywords.Count;
            if (exact && given > 1)
            {
                throw PythonErrors.TypeError($"memoryview() takes at most 1 argument ({given} given)");
            }

            if (args.Length > 0)
            {
                return args[0];
            }

            return keywords.TryGetValue("object", out object? byName) ? byName
                : throw PythonErrors.TypeError("memoryview() missing required argument 'object' (pos 1)");
        }

        /// <summary>A memoryview over a view nobody exports (C's <c>PyMemoryView_FromBuffer</c>): <paramref name="view"/> is
        /// verified as an answer to <paramref name="flags"/> and released with the last view derived from it; its obj is
        /// what <c>m.obj</c> shows.</summary>
        internal static MemoryViewObject FromView(BufferView view, CoreFlags flags = CoreFlags.FullRO)
        {
            VerifiedView verified = ViewVerifier.Verify(view, flags, "memoryview");
            return new MemoryViewObject(new ManagedBuffer(view), ArrayView.From(verified));
        }

        [Documentation("The underlying object of the memoryview.")]
        public object? obj => Live() is not null ? Handle.Buffer.Export.Obj : null;

        [Documentation("The amount of space in bytes that the array would use in a contiguous representation.")]

        public object nbytes => PythonValues.ToPython(Live().Layout.ByteLength);

        [Documentation("A bool indicating whether the memory is read only.")]

        public bool @readonly => Live().ReadOnly;

        [Documentation("The size in bytes of each element of the memoryview.")]

        public object itemsize => PythonValues.ToPython(Live().Layout.ItemSize);

        [Documentation("A string containing the format (in struct module style) for each element in the view.")]

        public string format => Live().Format;

        [Documentation("An integer indicating how many dimensions of a multi-dimensional array the memory represents.")]

        public int ndim => Live().Layout.NDim;

        [Documentation("A tuple of ndim integers giving the shape of the memory as an N-dimensional array.")]

        public PythonTuple shape => PythonValues.TupleOf(Live().Layout.Shape);

        [Documentation("A tuple of ndim integers giving the size in bytes to access each element for each dimension of the array.")]

        public PythonTuple strides => PythonValues.TupleOf(Live().Layout.Strides);

        [Documentation("A tuple of integers used internally for PIL-style arrays (empty when the view has none).")]

        public PythonTuple suboffsets => PythonValues.TupleOf(Live().Layout.Suboffsets);

        [Documentation("A bool indicating whether the memory is C contiguous.")]

        public bool c_contiguous => Live().Flags.IsCContiguous;

        [Documentation("A bool indicating whether the memory is Fortran contiguous.")]

        public bool f_contiguous => Live().Flags.IsFContiguous;

        [Documentation("A bool indicating whether the memory is contiguous.")]

        public bool contiguous => Live().Flags.IsAnyContiguous;

        [ClassMethod]
        [Documentation("_from_flags(object, flags)\n\nThe same as newbuffer.request(object, flags) (kept for older tests).")]
        public static object _from_flags(CodeContext context, PythonType cls, object? @object, object? flags) =>
            Request(context, @object, flags);

        /// <summary>newbuffer.request: a new export of exactly <paramref name="flags"/>, verified (even from a memoryview).</summary>
        internal static MemoryViewObject Request(CodeContext context, object? @object, object? flags) =>
            new(context, @object, (CoreFlags)PythonValues.ToClinicInt(flags), shareMemoryView: false);

        /// <remarks>IronPython 3.4's binder never calls __class_getitem__ (for any class), so memoryview[int] itself still
        /// fails there; memoryview.__class_getitem__(int) answers as CPython 3.14's memoryview[int] does.</remarks>
        [ClassMethod]
        [Documentation("__class_getitem__(item)\n\nSee PEP 585: memoryview[item] as a generic alias.")]
        public static object __class_getitem__(CodeContext context, PythonType cls, object? item) => GenericAlias(context, cls, item);

        [Documentation("__buffer__(flags)\n\nA new memoryview of this one requesting flags (PEP 688).")]
        public MemoryViewObject __buffer__(CodeContext context, object? flags) =>
            new(context, this, (CoreFlags)PythonValues.ToBufferFlags(flags), shareMemoryView: false);

        [Documentation("__release_buffer__(buffer)\n\nRelease a memoryview returned by __buffer__ (PEP 688).")]
        public void __release_buffer__(object? buffer)
        {
            if (buffer is not MemoryViewObject view)
            {
                throw PythonErrors.TypeError("expected a memoryview object");
            }

            view.release();
        }

        [Documentation("release()\n\nRelease the underlying buffer exposed by the memoryview object.")]
        public void release() => Handle.Release();

        public MemoryViewObject __enter__()
        {
            Live();
            return this;
        }

        public void __exit__(params object?[] excinfo) => release();

        [Documentation("tobytes(order='C')\n\nReturn the data in the buffer as a byte string, in 'C', 'F' or 'A' order.")]
        public Bytes tobytes(CodeContext context, object? order = null) =>
            PythonValues.WrapBytes(Use(view => view.ToBytes(ParseOrder(order))));

        [Documentation("tolist()\n\nReturn the data in the buffer as a list of elements (nested for more dimensions).")]
        public object? tolist(CodeContext context) =>
            Use(view => view.ToList(PythonValues.Boxer, items => PythonOps.MakeListNoCopy(items!)));

        [Documentation("hex(sep=None, bytes_per_sep=1)\n\nReturn the data in the buffer as a str of hexadecimal numbers.")]
        public string hex(CodeContext context, [Optional, DefaultParameterValue(null)] object? sep, [Optional, DefaultParameterValue(1)] object? bytes_per_sep)
        {
            // Converted first (its __index__ may release the view), as Argument Clinic converts it before the call.
            int perSeparator = PythonValues.ToClinicInt(bytes_per_sep);
            return Use(view => HexFormat.Format(
                view.Layout.ByteLength,
                () => view.Layout.IsCContiguous ? view.Buf : new ManagedMemoryBlock(view.ToBytes()).At(0),
                sep,
                perSeparator));
        }

        [Documentation("toreadonly()\n\nReturn a readonly version of the memoryview.")]
        public MemoryViewObject toreadonly() => Derive(Live().AsReadOnly());

        [Documentation("cast(format, shape=None)\n\nCast a memoryview to a new format or shape.")]
        public MemoryViewObject cast(CodeContext context, object? format, object? shape = null)
        {
            if (format is not string text)
            {
                throw PythonErrors.TypeError($"cast() argument 'format' must be str, not {PythonErrors.TypeName(format)}");
            }

            long[]? dims = shape is null ? null : ParseShape(shape);
            return Derive(Live().Cast(text, dims));
        }

        private static long[] ParseShape(object shape)
        {
            if (shape is not (PythonList or PythonTuple))
            {
                throw PythonErrors.TypeError("shape must be a list or a tuple");
            }

            var items = (IList<object?>)shape;
            var dims = new long[items.Count];
            for (int i = 0; i < dims.Length; i++)
            {
                object? item = items[i];
                if (item is not (int or BigInteger))
                {
                    throw PythonErrors.TypeError("memoryview.cast(): elements of shape must be integers");
                }

                dims[i] = PythonValues.ToLong(item, "shape");
            }

            return dims;
        }

        public int __len__()
        {
            long n = Live().Length();
            return n <= int.MaxValue ? (int)n : throw PythonOps.OverflowError("{0}", "cannot fit 'int' into an index-sized integer");
        }

        // IronPython binds m[a, b] as __getitem__(a, b) rather than passing the tuple.
        public object? __getitem__(CodeContext context, object? first, object? second, params object?[] rest) =>
            __getitem__(context, PythonOps.MakeTuple([first!, second!, .. PythonValues.ParamsArguments(rest)!]));

        public void __setitem__(CodeContext context, object? first, object? second, object? third, params object?[] rest)
        {
            object?[] all = [first, second, third, .. PythonValues.ParamsArguments(rest)];
            __setitem__(context, PythonOps.MakeTuple(all[..^1]!), all[^1]);
        }

        public object? __getitem__(CodeContext context, object? key)
        {
            using ViewHandle.Operation operation = Handle.Enter();
            ArrayView view = operation.View;
            if (key is int index && view.Layout.NDim == 1)
            {
                return view.GetItem(index, PythonValues.Boxer);
            }

            // Converting the key may run Python code (__index__) that releases the view: an item is then
            // refused, as CPython re-checks before unpacking; a sub-view is derived inside this operation,
            // which still holds the export, so it stays usable, as CPython's slice registers before
            // converting its bounds.
            KeyParser.Selection selection = KeyParser.Select(view, key);
            if (selection.Item is { } indices)
            {
                operation.ThrowIfReleased();
                return view.GetItem(indices, PythonValues.Boxer);
            }

            if (ReferenceEquals(selection.View, view))
            {
                return this;
            }

            ThrowIfRestricted();
            return new MemoryViewObject(operation.Derive(selection.View!));
        }

        public void __setitem__(CodeContext context, object? key, object? value)
        {
            using ViewHandle.Operation operation = Handle.Enter();
            ArrayView view = operation.View;
            view.CheckWritable();

            // CPython: m[...] = x on a 0-d view packs the one item, as m[()] = x does.
            KeyParser.Selection selection = view.Layout.NDim == 0 && key is Ellipsis ? new([], null) : KeyParser.Select(view, key, assignment: true);
            if (selection.Item is { } indices)
            {
                // CPython's order: the index (IndexError) before the value; converting the value may run
                // Python code that releases the view, so the release is checked again before writing.
                StructFormat format = view.RequireItemFormat();
                BufferPointer at = view.Locate(indices);
                object? packed = ItemCodec.Convert(view, format, value);
                operation.ThrowIfReleased();
                ItemCodec.Write(view, format, at, packed);
                return;
            }

            ArrayView target = selection.View!;
            IBufferExporter exporter = ExporterDispatch.Create(context, value, "memoryview: ");
            VerifiedView source = ViewVerifier.Acquire(exporter, CoreFlags.FullRO, "memoryview", out BufferView export);
            try
            {
                // The key's bounds and the source's exporter may both have run Python code (copy_single re-checks).
                operation.ThrowIfReleased();
                target.CopyFrom(ArrayView.From(source));
            }
            finally
            {
                export.Release();
            }
        }

        public void __delitem__(object? key) => throw PythonErrors.TypeError("cannot delete memory");

        [return: MaybeNotImplemented]
        public object __eq__(CodeContext context, object? other)
        {
            // Identity decides only for released views: a view holding NaN is not equal to itself.
            if (!Handle.TryEnter(out ViewHandle.Operation operation))
            {
                return ReferenceEquals(this, other);
            }

            using (operation)
            {
                return EqualTo(context, operation, other);
            }
        }

        private object EqualTo(CodeContext context, ViewHandle.Operation operation, object? other)
        {
            if (other is MemoryViewObject m && m.Handle.IsReleased)
            {
                return false;
            }

            IBufferExporter? exporter = ExporterDispatch.TryCreate(context, other);
            if (exporter is null)
            {
                return PythonOps.NotImplemented;
            }

            VerifiedView verified;
            BufferView export;
            try
            {
                verified = ViewVerifier.Acquire(exporter, CoreFlags.FullRO, "memoryview", out export);
            }
            catch (Exception)
            {
                // CPython's memory_richcompare clears a failed request and answers NotImplemented.
                return PythonOps.NotImplemented;
            }

            try
            {
                // The other side's exporter ran Python code that may have released this view: it then
                // compares as a released view does, by identity, and its memory is not read.
                return operation.IsReleased ? ReferenceEquals(this, other) : ValueComparison.ValueEquals(operation.View, ArrayView.From(verified)) ?? false;
            }
            finally
            {
                export.Release();
            }
        }

        [return: MaybeNotImplemented]
        public object __ne__(CodeContext context, object? other) => __eq__(context, other) is bool b ? !b : PythonOps.NotImplemented;

        public int __hash__(CodeContext context)
        {
            // CPython's memory_hash: a computed hash is kept, and answers even after release.
            if (Volatile.Read(ref _hash) is int cached)
            {
                return cached;
            }

            using ViewHandle.Operation operation = Handle.Enter();
            ArrayView view = operation.View;
            view.CheckHashable();

            // The exporter is hashed first (an unhashable one, e.g. a bytearray, is its TypeError); its
            // __hash__ may release this view.
            if (Handle.Buffer.Export.Obj is { } exporter)
            {
                PythonOps.Hash(context, exporter);
            }

            operation.ThrowIfReleased();
            int hash = PythonOps.Hash(context, PythonValues.WrapBytes(view.ToBytes()));
            Volatile.Write(ref _hash, hash);
            return hash;
        }

        [Documentation("Memoryviews cannot be pickled.")]
        public object __reduce_ex__(CodeContext context, object? protocol) =>
            throw (PythonValues.ToClinicInt(protocol) < 2 ? CannotPickle()
                // object.__reduce_ex__ words protocols 2+ (copyreg.__newobj__'s path) differently from copyreg._reduce_ex.
                : PythonErrors.TypeError($"cannot pickle {PythonErrors.TypeName(this)} objects"));

        [Documentation("Memoryviews cannot be pickled.")]
        public object __reduce__(CodeContext context) => throw CannotPickle();

        [Documentation("Iterate over the items (one dimension) or the sub-views (more dimensions).")]
        public IEnumerator __iter__() => ((IEnumerable)this).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator()
        {
            ArrayView view = Live();
            if (view.Layout.NDim == 0)
            {
                throw PythonErrors.TypeError("invalid indexing of 0-dim memory");
            }

            return Iterate(view.Layout.Shape[0]);
        }

        [Documentation("count(value)\n\nCount the number of occurrences of a value.")]
        public object count(CodeContext context, object? value)
        {
            long length = LengthForScan("invalid indexing of 0-dim memory");
            return PythonValues.ToPython(Scan(context, value, 0, length, all: true).Count);
        }

        [Documentation("index(value, start=0, stop=sys.maxsize)\n\nReturn the index of the first occurrence of a value.")]
        public object index(CodeContext context, object? value, [Optional] object? start, [Optional] object? stop)
        {
            // Argument Clinic's slice_index(accept={int}): __index__, clamped; converted before the view is read.
            long first = start is System.Reflection.Missing ? 0 : PythonValues.ToSliceIndex(start, noneAllowed: false)!.Value;
            long last = stop is System.Reflection.Missing ? long.MaxValue : PythonValues.ToSliceIndex(stop, noneAllowed: false)!.Value;
            long length = LengthForScan("invalid lookup on 0-dim memory");
            first = first < 0 ? Math.Max(first + length, 0) : first;
            last = last < 0 ? Math.Max(last + length, 0) : Math.Min(last, length);
            (long found, long count) = Scan(context, value, first, last, all: false);
            return count > 0 ? PythonValues.ToPython(found) : throw PythonErrors.ValueError("memoryview.index(x): x not found");
        }

        public bool __contains__(CodeContext context, object? value) =>
            Scan(context, value, 0, LengthForScan("invalid indexing of 0-dim memory"), all: false).Count > 0;

        private long LengthForScan(string zeroDimMessage)
        {
            ViewLayout layout = Live().Layout;
            return layout.NDim > 0 ? layout.Shape[0] : throw PythonErrors.TypeError(zeroDimMessage);
        }

        /// <summary>The first index in [first, last) whose item equals value, and how many do (stopping at one unless all).</summary>
        private (long First, long Count) Scan(CodeContext context, object? value, long first, long last, bool all)
        {
            ViewLayout layout = Live().Layout;
            if (layout.NDim > 1 && layout.ItemCount == 0 && first < last)
            {
                // Every sub-view is the same empty view, so one comparison answers for all of them; a hostile
                // shape such as (2**62, 0) would otherwise mean 2**62 comparisons of nothing.
                bool equal = PythonOps.EqualRetBool(context, __getitem__(context, PythonValues.ToPython(first)), value);
                return equal ? (first, all ? last - first : 1) : (-1, 0);
            }

            long found = -1, count = 0;
            for (long i = first; i < last; i++)
            {
                if (PythonOps.EqualRetBool(context, __getitem__(context, PythonValues.ToPython(i)), value))
                {
                    if (count++ == 0)
                    {
                        found = i;
                    }

                    if (!all)
                    {
                        break;
                    }
                }
            }

            return (found, count);
        }

        public string __repr__(CodeContext context) =>
            $"<{(Handle.IsReleased ? "released " : string.Empty)}memory at 0x{PythonOps.Id(this):x}>";

        void IBufferExporter.GetBuffer(BufferView view, CoreFlags flags)
        {
            ThrowIfRestricted();
            // Counted first, under the handle's lock, so release() either sees this export or wins before it.
            Handle.AddExport();
            try
            {
                Handle.View.Answer(view, this, flags);
            }
            catch
            {
                Handle.RemoveExport();
                throw;
            }
        }

        void IBufferExporter.ReleaseBuffer(BufferView view) => Handle.RemoveExport();

        IPythonBuffer IBufferProtocol.GetBuffer(global::IronPython.Runtime.BufferFlags flags) =>
            PythonBufferAdapter.Export(this, (CoreFlags)(int)flags, "memoryview");

        /// <summary>Always set once construction succeeded.</summary>
        private ViewHandle Handle => _handle!;

        WeakRefTracker? IWeakReferenceable.GetWeakRef() => _tracker;

        bool IWeakReferenceable.SetWeakRef(WeakRefTracker value) => Interlocked.CompareExchange(ref _tracker, value, null) == null;

        void IWeakReferenceable.SetFinalizer(WeakRefTracker value) => _tracker = value;

        /// <summary>The view's geometry, or CPython's ValueError once released. Memory access needs <see cref="Use{T}"/> or Handle.Enter.</summary>
        internal bool IsReleased => Handle.IsReleased;

        internal ArrayView Live() => !Handle.IsReleased
            ? Handle.View
            : throw PythonErrors.ValueError("operation forbidden on released memoryview object");

        /// <summary>Runs <paramref name="operation"/> on the view inside an access to its memory; a release waits for it to end.</summary>
        private T Use<T>(Func<ArrayView, T> operation)
        {
            using ViewHandle.Operation access = Handle.Enter();
            return operation(access.View);
        }

        private static Order ParseOrder(object? order) => order switch
        {
            null or "C" => Order.C,
            "F" => Order.Fortran,
            "A" => Order.Any,
            _ => throw PythonErrors.ValueError("order must be 'C', 'F' or 'A'"),
        };

        private static ViewHandle Register(ManagedBuffer buffer, ArrayView view) => new(buffer, view);

        private MemoryViewObject Derive(ArrayView view)
        {
            ThrowIfRestricted();
            return new(Handle.Derive(view));
        }

        /// <summary>Makes this view restricted (see <see cref="_restricted"/>); newbuffer.install()'s builtin exports use it.</summary>
        internal void Restrict() => _restricted = true;

        private void ThrowIfRestricted()
        {
            if (_restricted)
            {
                throw PythonErrors.ValueError("cannot create new view on restricted memoryview");
            }
        }

        private Exception CannotPickle() => PythonErrors.TypeError($"cannot pickle '{PythonErrors.TypeName(this)}' object");

        private IEnumerator Iterate(long length)
        {
            for (long i = 0; i < length; i++)
            {
                yield return __getitem__(DefaultContext.Default, PythonValues.ToPython(i));
            }
        }
    }
}
