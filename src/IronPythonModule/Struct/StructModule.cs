// The Python module `newbuffer.struct` (registered as `_newbuffer_struct`): CPython 3.13's `_struct`
// (pack, unpack, pack_into, unpack_from, iter_unpack, calcsize, Struct, error) on the core codec, so
// struct, memoryview and _testbuffer read one format table (FormatTable, with the native sizes
// NewBufferModule.HostAbi decides). newbuffer.install() makes `import struct` and `import _struct`
// return this module; without it nothing global changes.
//
// This file owns argument parsing of the module functions; Struct (StructObject.cs) owns packing
// and unpacking, StructBuffers the buffer requests, unpack_iterator (UnpackIterator.cs) iteration.
// Messages are CPython 3.13's (Modules/_struct.c and its Argument Clinic code); `error` is the very
// class IronPython's own struct raises, so memoryview's codec errors and ours are one exception.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using Microsoft.Scripting.Runtime;
using Microsoft.Scripting;

[assembly: PythonModule("_newbuffer_struct", typeof(NewBuffer.IronPython.StructModule))]

namespace NewBuffer.IronPython;

/// <summary>The <c>newbuffer.struct</c> module: CPython's <c>struct</c> on the newbuffer codec.</summary>
public static partial class StructModule
{
    public const string __doc__ = "Functions to convert between Python values and C structs (newbuffer's codec).\n"
        + "Python bytes objects are used to hold the data representing the C struct\n"
        + "and also as format strings (explained below) to describe the layout of data\n"
        + "in the C struct.\n\n"
        + "The same as CPython 3.13's struct module, on the format table newbuffer's memoryview\n"
        + "and _testbuffer use (native 'l' is 4 bytes, 'n', 'N' and 'P' 8 on 64-bit).\n"
        + "newbuffer.install() makes `import struct` return this module.";

    private const int CacheLimit = 100;

    private static readonly ConditionalWeakTable<PythonContext, Dictionary<object, StructObject>> s_caches = new();

    [SpecialName]
    public static void PerformModuleReload(PythonContext context, PythonDictionary dict)
    {
        // IronPython lists nested types under their .NET names; Python knows them by their PythonType names.
        dict.Remove(nameof(StructObject));
        dict.Remove(nameof(UnpackIterator));
        dict["Struct"] = DynamicHelpers.GetPythonTypeFromType(typeof(StructObject));
        dict["__name__"] = "newbuffer.struct";
        var module = new CodeContext(dict, new ModuleContext(dict, context));
        dict["error"] = PythonErrors.StructErrorType(module);
        dict["__all__"] = new PythonList(module, new object[] { "calcsize", "pack", "pack_into", "unpack", "unpack_from", "iter_unpack", "Struct", "error" });
    }

    [Documentation("calcsize(format, /)\n--\n\nReturn size in bytes of the struct described by the format string.")]
    public static object calcsize(CodeContext context, object? format) => Cached(context, format).size;

    [Documentation("pack(format, v1, v2, ...) -> bytes\n\nReturn a bytes object containing the values v1, v2, ... packed according\n"
        + "to the format string.  See help(struct) for more on format strings.")]
    public static Bytes pack(CodeContext context, params object?[] args)
    {
        if (args.Length == 0)
            throw PythonErrors.TypeError("missing format argument");
        return Cached(context, args[0]).PackValues(context, args, 1);
    }

    [Documentation("pack_into(format, buffer, offset, v1, v2, ...)\n\nPack the values v1, v2, ... according to the format string and write\n"
        + "the packed bytes into the writable buffer buf starting at offset.  Note\n"
        + "that the offset is a required argument.  See help(struct) for more\n"
        + "on format strings.")]
    public static void pack_into(CodeContext context, params object?[] args)
    {
        if (args.Length == 0)
            throw PythonErrors.TypeError("missing format argument");
        Cached(context, args[0]).PackInto(context, args, 1);
    }

    [Documentation("unpack(format, buffer, /)\n--\n\nReturn a tuple containing values unpacked according to the format string.\n\n"
        + "The buffer's size in bytes must be calcsize(format).\n\nSee help(struct) for more on format strings.")]
    public static PythonTuple unpack(CodeContext context, object? format, object? buffer) =>
        Cached(context, format).unpack(context, buffer);

    [Documentation("unpack_from(format, /, buffer, offset=0)\n--\n\nReturn a tuple containing values unpacked according to the format string.\n\n"
        + "The buffer's size, minus offset, must be at least calcsize(format).\n\nSee help(struct) for more on format strings.")]
    public static PythonTuple unpack_from(CodeContext context, object? format, object? buffer, object? offset = null) =>
        Cached(context, format).unpack_from(context, buffer, offset);

    [Documentation("iter_unpack(format, buffer, /)\n--\n\nReturn an iterator yielding tuples unpacked from the given bytes.\n\n"
        + "The bytes are unpacked according to the format string, like\na repeated invocation of unpack_from().\n\n"
        + "Requires that the bytes length be a multiple of the format struct size.")]
    public static UnpackIterator iter_unpack(CodeContext context, object? format, object? buffer) =>
        Cached(context, format).iter_unpack(context, buffer);

    [Documentation("_clearcache()\n--\n\nClear the internal cache.")]
    public static void _clearcache(CodeContext context)
    {
        Dictionary<object, StructObject> cache = s_caches.GetOrCreateValue(context.LanguageContext);
        lock (cache)
            cache.Clear();
    }

    /// <summary>The Struct for a format argument, as CPython's cache_struct_converter keeps them (up to 100, then cleared).</summary>
    private static StructObject Cached(CodeContext context, object? format)
    {
        Dictionary<object, StructObject> cache = s_caches.GetOrCreateValue(context.LanguageContext);
        object key = format is string or Bytes ? format : new object();
        lock (cache)
        {
            if (cache.TryGetValue(key, out StructObject? found))
                return found;
        }

        var result = new StructObject(context, format);
        if (format is string or Bytes)
        {
            lock (cache)
            {
                if (cache.Count >= CacheLimit)
                    cache.Clear();
                cache[key] = result;
            }
        }

        return result;
    }
}
