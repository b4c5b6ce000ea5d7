// struct's unpack_iterator: yields one tuple per record of a buffer it holds exported until the
// last record is read (or it is collected), as CPython's does, so the exporter sees the export
// for the iterator's lifetime.
using System;
using System.Collections;
using IronPython.Runtime;
using IronPython.Runtime.Operations;

namespace NewBuffer.IronPython;

public static partial class StructModule
{
    /// <summary>The iterator <c>iter_unpack</c> returns.</summary>
    [PythonType("unpack_iterator")]
    public sealed class UnpackIterator : IEnumerator
    {
        private readonly StructObject _struct;
        private readonly long _count;
        private StructBuffers.Lease? _lease;
        private long _index;
        private object? _current;

        internal UnpackIterator(StructObject owner, StructBuffers.Lease lease, long count)
        {
            _struct = owner;
            _lease = lease;
            _count = count;
        }

        /// <summary>Python cannot create one directly, as in CPython.</summary>
        public UnpackIterator(params object?[] args) =>
            throw PythonErrors.TypeError("cannot create '_struct.unpack_iterator' instances");

        ~UnpackIterator()
        {
            try
            {
                _lease?.Dispose();
            }
            catch (Exception)
            {
                // A finalizer must never throw.
            }
        }

        public UnpackIterator __iter__() => this;

        public object __next__(CodeContext context) => Next(context) ?? throw PythonOps.StopIteration();

        public object __length_hint__() => PythonValues.ToPython(_lease is null ? 0 : _count - _index);

        object? IEnumerator.Current => _current;

        bool IEnumerator.MoveNext() => (_current = Next(DefaultContext.Default)) is not null;

        /// <summary>The next record, or null (and the export released) after the last.</summary>
        private PythonTuple? Next(CodeContext context)
        {
            StructBuffers.Lease? lease = _lease;
            if (lease is null)
                return null;
            if (_index >= _count)
            {
                _lease = null;
                lease.Dispose();
                GC.SuppressFinalize(this);
                return null;
            }

            PythonTuple result = _struct.UnpackRecord(context, lease, _index);
            _index++;
            return result;
        }

        void IEnumerator.Reset() => throw new NotSupportedException();
    }
}
