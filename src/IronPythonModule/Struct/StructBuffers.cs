// The buffers struct reads and writes, requested as CPython's argument converters do: "y*"
// (unpack, unpack_from, iter_unpack) asks for PyBUF_SIMPLE and lets the exporter's error through;
// "w*" (pack_into) asks for PyBUF_WRITABLE and turns any failure into one TypeError. A Lease holds
// the export until disposed; its bytes are the view's Len bytes, reached piece by piece through the
// core's bounds-checked pointer (Len may pass 2 GiB; one record never does).
using System;
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using NewBuffer.IronPython.Exporters;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using CoreBufferException = NewBuffer.Protocol.BufferException;

namespace NewBuffer.IronPython;

public static partial class StructModule
{
    internal static class StructBuffers
    {
        /// <summary>A contiguous buffer for reading; TypeError "a bytes-like object is required" for a non-exporter.</summary>
        public static Lease ForReading(CodeContext context, object? obj)
        {
            IBufferExporter exporter = ExporterDispatch.Create(context, obj, "");
            ViewVerifier.Acquire(exporter, Protocol.BufferFlags.Simple, "struct", out BufferView view);
            return new Lease(view);
        }

        /// <summary>A writable contiguous buffer; any failure is CPython's TypeError for "w*".</summary>
        public static Lease ForWriting(CodeContext context, object? obj)
        {
            IBufferExporter? exporter = ExporterDispatch.TryCreate(context, obj);
            if (exporter is not null)
            {
                try
                {
                    ViewVerifier.Acquire(exporter, Protocol.BufferFlags.Writable, "struct", out BufferView view);
                    return new Lease(view);
                }
                catch (Exception)
                {
                    // CPython's "w*" converter clears whatever the exporter raised and reports its own TypeError.
                }
            }

            throw PythonErrors.TypeError($"argument must be read-write bytes-like object, not {PythonErrors.TypeName(obj)}");
        }

        /// <summary>An offset argument as CPython's Py_ssize_t converter reads it.</summary>
        public static long ToOffset(object? value)
        {
            object index = value is int or BigInteger ? value : PythonOps.Index(value);
            return index switch
            {
                int i => i,
                BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
                _ => throw PythonOps.OverflowError("Python int too large to convert to C ssize_t"),
            };
        }

        /// <summary>An acquired export; Dispose releases it once.</summary>
        internal sealed class Lease : IDisposable
        {
            private readonly BufferView _view;

            public Lease(BufferView view)
            {
                _view = view;
                Length = view.Len;
            }

            public long Length { get; }

            /// <summary>The <paramref name="count"/> bytes at <paramref name="start"/> (inside Length; a buffer may pass 2 GiB, a span may not).</summary>
            public Span<byte> Slice(long start, long count) => _view.Buf.Add(start).Slice(count);

            public void Dispose() => _view.Release();
        }
    }
}
