// struct.Struct: a compiled format (the core's StructFormat) with CPython 3.13's methods. It owns
// its format text and the parsed StructFormat, replaced only by __init__ (CPython allows calling
// __init__ again, and a subclass's __init__ calls it through super()). Values are converted to the
// codec's CLR values by their code's kind (PythonValues.ToPackValue), so the codec applies one
// rule set whether the caller is struct or memoryview. Codec errors become Python exceptions in
// Run, the one catch site of this type.
using System;
using System.Collections.Generic;
using System.Numerics;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using Microsoft.Scripting;
using Microsoft.Scripting.Runtime;
using NewBuffer.Format;
using CoreBufferException = NewBuffer.Protocol.BufferException;

namespace NewBuffer.IronPython;

public static partial class StructModule
{
    /// <summary>A compiled struct format (<see href="https://docs.python.org/3/library/struct.html#struct.Struct"/>).</summary>
    [PythonType("Struct")]
    [Documentation("Struct(format)\n--\n\nCreate a compiled struct object.\n\n"
        + "Return a new Struct object which writes and reads binary data according to\n"
        + "the format string.\n\nSee help(struct) for more on format strings.")]
    public class StructObject
    {
        private StructFormat _format = StructFormat.Parse("");
        private string _text = "";

        /// <summary>CPython's Struct.__new__ accepts any arguments; __init__ reads the format.</summary>
        public StructObject([ParamDictionary] IDictionary<object, object?> keywords, params object?[] args)
        {
        }

        internal StructObject(CodeContext context, object? format) => Compile(context, format);

        public void __init__(CodeContext context, [ParamDictionary] IDictionary<object, object?> keywords, params object?[] args)
        {
            object? format = null;
            bool found = false;
            if (args.Length > 1 || keywords.Count + args.Length > 1)
                throw PythonErrors.TypeError($"Struct() takes at most 1 argument ({args.Length + keywords.Count} given)");
            if (args.Length == 1)
            {
                (format, found) = (args[0], true);
            }
            else if (keywords.TryGetValue("format", out object? value))
            {
                (format, found) = (value, true);
            }
            else if (keywords.Count > 0)
            {
                foreach (object name in keywords.Keys)
                    throw PythonErrors.TypeError($"Struct() got an unexpected keyword argument '{name}'");
            }

            if (!found)
                throw PythonErrors.TypeError("Struct() missing required argument 'format' (pos 1)");
            Compile(context, format);
        }

        [Documentation("struct format string")]
        public string format => _text;

        [Documentation("struct size in bytes")]
        public object size => PythonValues.ToPython(_format.Size);

        public string __repr__(CodeContext context) => $"Struct({PythonOps.Repr(context, _text)})";

        [Documentation("pack($self, /, *values)\n--\n\nS.pack(v1, v2, ...) -> bytes\n\n"
            + "Return a bytes object containing values v1, v2, ... packed according\n"
            + "to the format string S.format.  See help(struct) for more on format\nstrings.")]
        public Bytes pack(CodeContext context, params object?[] values) => PackValues(context, values, 0);

        [Documentation("pack_into($self, buffer, offset, /, *values)\n--\n\nS.pack_into(buffer, offset, v1, v2, ...)\n\n"
            + "Pack the values v1, v2, ... according to the format string S.format\n"
            + "and write the packed bytes into the writable buffer buf starting at\n"
            + "offset.  Note that the offset is a required argument.  See\n"
            + "help(struct) for more on format strings.")]
        public void pack_into(CodeContext context, params object?[] args) => PackInto(context, args, 0);

        [Documentation("unpack($self, buffer, /)\n--\n\nReturn a tuple containing unpacked values.\n\n"
            + "Unpack according to the format string Struct.format. The buffer's size\n"
            + "in bytes must be Struct.size.\n\nSee help(struct) for more on format strings.")]
        public PythonTuple unpack(CodeContext context, object? buffer)
        {
            using StructBuffers.Lease lease = StructBuffers.ForReading(context, buffer);
            return Guard(context, () => Tuple(_format.Unpack(lease.Slice(0, Math.Min(lease.Length, _format.Size + 1)), PythonValues.Boxer)));
        }

        [Documentation("unpack_from($self, /, buffer, offset=0)\n--\n\nReturn a tuple containing unpacked values.\n\n"
            + "Values are unpacked according to the format string Struct.format.\n\n"
            + "The buffer's size in bytes, starting at position offset, must be\n"
            + "at least Struct.size.\n\nSee help(struct) for more on format strings.")]
        public PythonTuple unpack_from(CodeContext context, object? buffer, object? offset = null)
        {
            using StructBuffers.Lease lease = StructBuffers.ForReading(context, buffer);
            long requested = offset is null ? 0 : StructBuffers.ToOffset(offset);
            return Guard(context, () =>
            {
                long start = _format.UnpackOffset(lease.Length, requested);
                return Tuple(_format.Unpack(lease.Slice(start, _format.Size), PythonValues.Boxer));
            });
        }

        [Documentation("iter_unpack($self, buffer, /)\n--\n\nReturn an iterator yielding tuples.\n\n"
            + "Tuples are unpacked from the given bytes source, like a repeated\n"
            + "invocation of unpack_from().\n\nRequires that the bytes length be a multiple of the struct size.")]
        public UnpackIterator iter_unpack(CodeContext context, object? buffer)
        {
            Guard(context, () => _format.Size == 0 ? _format.RecordCount(0) : 0);
            StructBuffers.Lease lease = StructBuffers.ForReading(context, buffer);
            try
            {
                long count = Guard(context, () => _format.RecordCount(lease.Length));
                return new UnpackIterator(this, lease, count);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        /// <summary>Unpacks record <paramref name="index"/> of <paramref name="lease"/> (the iterator's step).</summary>
        internal PythonTuple UnpackRecord(CodeContext context, StructBuffers.Lease lease, long index) => Guard(context, () =>
            Tuple(_format.Unpack(lease.Slice(index * _format.Size, _format.Size), PythonValues.Boxer)));

        internal Bytes PackValues(CodeContext context, object?[] args, int first)
        {
            var result = new byte[_format.Size];
            Guard(context, () =>
            {
                _format.Pack(result, Convert(args, first));
                return 0;
            });
            return PythonValues.WrapBytes(result);
        }

        internal void PackInto(CodeContext context, object?[] args, int first)
        {
            if (args.Length - first < 1)
                throw PythonErrors.StructError(context, "pack_into expected buffer argument");
            if (args.Length - first < 2)
                throw PythonErrors.StructError(context, "pack_into expected offset argument");
            Guard(context, () =>
            {
                _format.CheckPackIntoCount(args.Length - first - 2);
                return 0;
            });

            using StructBuffers.Lease lease = StructBuffers.ForWriting(context, args[first]);
            long requested = StructBuffers.ToOffset(args[first + 1]);
            Guard(context, () =>
            {
                long start = _format.PackOffset(lease.Length, requested);
                object?[] values = Convert(args, first + 2);
                _format.Pack(lease.Slice(start, _format.Size), values);
                return 0;
            });
        }

        private object?[] Convert(object?[] args, int first)
        {
            if (args.Length - first != _format.ValueCount)
                return args[first..];
            var values = new object?[_format.ValueCount];
            int next = 0;
            foreach (FormatItem item in _format.Items)
            {
                for (long i = 0; i < item.Repeat; i++, next++)
                    values[next] = PythonValues.ToPackValue(args[first + next], item.Code.Kind);
            }

            return values;
        }

        private static PythonTuple Tuple(object?[] values) => PythonOps.MakeTuple(values!);

        /// <summary>Runs a core call: the core raises Python's exceptions itself, struct.error re-raised in this runtime.</summary>
        private static T Guard<T>(CodeContext context, Func<T> action)
        {
            try
            {
                return action();
            }
            catch (Exception e) when (PythonErrors.InRuntime(context, e) is var raised && raised != e)
            {
                throw raised;
            }
        }

        private void Compile(CodeContext context, object? format)
        {
            string text = format switch
            {
                string s => s,
                Bytes b => Latin1(b),
                _ => throw PythonErrors.TypeError($"Struct() argument 1 must be a str or bytes object, not {PythonErrors.TypeName(format)}"),
            };
            if (format is string)
            {
                // CPython encodes a str format to ASCII first; this raises its UnicodeEncodeError.
                StringOps.encode(context, text, "ascii");
            }

            _format = Guard(context, () => StructFormat.Parse(text));
            _text = text;
        }

        private static string Latin1(Bytes bytes)
        {
            var chars = new char[bytes.Count];
            for (int i = 0; i < chars.Length; i++)
                chars[i] = (char)bytes[i];
            return new string(chars);
        }
    }
}
