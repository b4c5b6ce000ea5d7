// The Python module `newbuffer`: constants, module functions, and the Python-level classes
// Buffer and BufferMixin. The Python-visible .NET types (memoryview, Py_buffer, _BufferBase) are
// nested in this partial class, each in its own file, because IronPython gives a nested type the
// module's name as __module__ (a top-level one would claim to live in builtins).
//
// Buffer and BufferMixin are defined in Python at import (PythonSource below): Buffer subclasses the
// .NET _BufferBase, so its subclasses inherit IronPython's IBufferProtocol, and its metaclass makes
// isinstance(x, Buffer) true for any exporter, as collections.abc.Buffer is in CPython.
using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using IronPython.Modules;
using IronPython.Runtime;
using Microsoft.Scripting.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using Microsoft.Scripting.Hosting;
using NewBuffer.Format;
using NewBuffer.IronPython.Exporters;
using Flags = NewBuffer.Protocol.BufferFlags;

[assembly: PythonModule("newbuffer", typeof(NewBuffer.IronPython.NewBufferModule))]

namespace NewBuffer.IronPython;

/// <summary>The <c>newbuffer</c> module.</summary>
public static partial class NewBufferModule
{
    public const string __doc__ = "Pure-Python classes exporting PEP 3118 buffers on IronPython.\n\n"
        + "Three ways to export: __buffer__(self, flags) returning any object with a buffer (PEP 688),\n"
        + "__getbuffer__(self, flags) returning a memoryview with __releasebuffer__(self, view), and\n"
        + "BufferMixin._get_buffer(view, flags) filling a Py_buffer. Inherit Buffer (or decorate with\n"
        + "exporter) so IronPython's own consumers accept the class. memoryview is a complete memoryview.";

    /// <summary>The package and module version.</summary>
    public static readonly string __version__ = VersionOf(typeof(NewBufferModule).Assembly);

    public const int PyBUF_SIMPLE = (int)Flags.Simple;
    public const int PyBUF_WRITABLE = (int)Flags.Writable;
    public const int PyBUF_WRITEABLE = (int)Flags.Writable;
    public const int PyBUF_FORMAT = (int)Flags.Format;
    public const int PyBUF_ND = (int)Flags.ND;
    public const int PyBUF_STRIDES = (int)Flags.Strides;
    public const int PyBUF_C_CONTIGUOUS = (int)Flags.CContiguous;
    public const int PyBUF_F_CONTIGUOUS = (int)Flags.FContiguous;
    public const int PyBUF_ANY_CONTIGUOUS = (int)Flags.AnyContiguous;
    public const int PyBUF_INDIRECT = (int)Flags.Indirect;
    public const int PyBUF_CONTIG = (int)Flags.Contig;
    public const int PyBUF_CONTIG_RO = (int)Flags.ContigRO;
    public const int PyBUF_STRIDED = (int)Flags.Strided;
    public const int PyBUF_STRIDED_RO = (int)Flags.StridedRO;
    public const int PyBUF_RECORDS = (int)Flags.Records;
    public const int PyBUF_RECORDS_RO = (int)Flags.RecordsRO;
    public const int PyBUF_FULL = (int)Flags.Full;
    public const int PyBUF_FULL_RO = (int)Flags.FullRO;
    public const int PyBUF_READ = (int)Flags.Read;
    public const int PyBUF_WRITE = (int)Flags.Write;

    /// <summary>
    /// What "native" means for newbuffer's memoryview, _testbuffer and newbuffer.struct, decided here
    /// once: 'l'/'L' are 4 bytes (IronPython's C long: ctypes.c_long and array('l')), 'n'/'N' and 'P'
    /// are pointer-sized (ctypes.c_ssize_t and c_void_p: 8 bytes in a 64-bit process). IronPython
    /// 3.4's own struct says 4 for 'n', disagreeing with its ctypes; newbuffer follows ctypes.
    /// A format may describe at most sys.maxsize (2**31-1) bytes, the most IronPython can index.
    /// </summary>
    internal static readonly NativeAbi HostAbi = new(LongSize: 4, SizeSize: IntPtr.Size, PointerSize: IntPtr.Size) { MaxSize = int.MaxValue };

    private const string MixinKey = "newbuffer.BufferMixin";
    private const string MixinReleaseKey = "newbuffer.BufferMixin._release_buffer";
    private const string GenericAliasKey = "newbuffer._GenericAlias";

    private static readonly ConditionalWeakTable<PythonType, CodeContext> s_contexts = new();
    private static readonly ConditionalWeakTable<PythonType, CodeContext> s_contextByClass = new();

    private const string PythonSource = """
        class _BufferMeta(type):
            # type.__instancecheck__ would dispatch back here in IronPython, so the default checks
            # are spelled out on __mro__.
            def __instancecheck__(cls, obj):
                if cls is Buffer:
                    return _is_exporter(obj)
                return cls in type(obj).__mro__

            def __subclasscheck__(cls, sub):
                if cls is Buffer:
                    return _is_exporter_type(sub)
                return cls in getattr(sub, '__mro__', ())

        class Buffer(_BufferBase, metaclass=_BufferMeta):
            '''Base class of pure-Python exporters: subclasses define __buffer__, __getbuffer__ or
            (through BufferMixin) _get_buffer, and IronPython's own consumers accept them.
            isinstance(x, Buffer) is true for any object that exports a buffer.'''

        class BufferMixin(Buffer):
            '''pygame's BufferMixin: override _get_buffer(view, flags) to fill the Py_buffer view,
            and optionally _release_buffer(view), called once when the consumer releases it.'''

            def _get_buffer(self, view, flags):
                raise NotImplementedError('abstract method')

            def _release_buffer(self, view):
                pass

        class _BufferBridge(_IBufferProtocol):
            # Subclasses of IronPython's buffer types cannot add _BufferBase (one .NET base only), but
            # may re-implement its buffer interface: IronPython's consumers then ask GetBuffer, which
            # answers with the class's Python-level export, else the builtin's own. IronPython finds
            # GetBuffer only in the class's own namespace when a builtin base precedes this one in
            # the MRO, so exporter() copies it there.
            def GetBuffer(self, flags):
                return _bridge_get_buffer(self, flags)

        def exporter(cls):
            '''Class decorator: a subclass of cls that also inherits Buffer, for classes that cannot
            list Buffer among their bases. Instances of the returned class are accepted by
            IronPython's consumers. A subclass of bytes, bytearray, array or a ctypes type gets
            _BufferBridge instead, so those consumers use its __buffer__/__release_buffer__.'''
            if Buffer in cls.__mro__ or _BufferBridge in cls.__mro__:
                return cls
            meta = type(cls)
            namespace = {'__module__': cls.__module__, '__doc__': cls.__doc__, '__qualname__': getattr(cls, '__qualname__', cls.__name__)}
            if _has_native_buffer(cls):
                bases = (cls, _BufferBridge)
                namespace['GetBuffer'] = _BufferBridge.GetBuffer
            else:
                bases = (cls, Buffer)
                if meta is not type and not issubclass(meta, _BufferMeta):
                    meta = type(meta.__name__ + 'Buffer', (meta, _BufferMeta), {})
                else:
                    meta = _BufferMeta
            return meta(cls.__name__, bases, namespace)

        def _make_flags():
            names = ['SIMPLE', 'WRITABLE', 'FORMAT', 'ND', 'STRIDES', 'C_CONTIGUOUS', 'F_CONTIGUOUS',
                     'ANY_CONTIGUOUS', 'INDIRECT', 'CONTIG', 'CONTIG_RO', 'STRIDED', 'STRIDED_RO',
                     'RECORDS', 'RECORDS_RO', 'FULL', 'FULL_RO', 'READ', 'WRITE']
            members = [(name, globals()['PyBUF_' + name]) for name in names]
            try:
                import enum
            except ImportError:
                return type('BufferFlags', (), dict(members, __module__='newbuffer'))
            # IronPython 3.4's standard library predates IntFlag (3.6); IntEnum members are ints too.
            flags = getattr(enum, 'IntFlag', enum.IntEnum)('BufferFlags', members)
            flags.__module__ = 'newbuffer'
            return flags

        BufferFlags = _make_flags()
        del _make_flags

        import _newbuffer_struct as struct

        def install(memoryview=False, strict=False):
            '''Make this IronPython answer PEP 688 code as CPython 3.13 does; idempotent.

            After it, `import struct` and `import _struct` return newbuffer.struct (CPython's struct
            on newbuffer's codec: 'e', CPython's errors, the native sizes memoryview uses),
            inspect.BufferFlags is newbuffer.BufferFlags, collections.abc.Buffer is newbuffer.Buffer,
            and bytes, bytearray, memoryview, array.array and ctypes objects have __buffer__(flags)
            (a newbuffer.memoryview made with the flags) and __release_buffer__(view), so
            super().__buffer__(flags) works in their subclasses. Modules that imported struct
            before keep the struct they got. `import newbuffer` alone changes none of this.

            memoryview=True also makes builtins.memoryview newbuffer.memoryview (off by default,
            and False leaves builtins.memoryview as it is: IronPython's own functions keep
            returning its memoryview, which isinstance(x, memoryview) would then refuse).
            strict=True makes __buffer__ follow PEP 688 to the letter: it must return a
            memoryview and is always called with the flags, else TypeError (off by default:
            newbuffer's documented __buffer__ may return any exporter); each call sets it.'''
            import sys
            _install_pep688(bool(strict), bool(memoryview))
            sys.modules['_struct'] = struct
            sys.modules['struct'] = struct
            import inspect
            inspect.BufferFlags = BufferFlags
            import collections.abc
            collections.abc.Buffer = Buffer
            names = getattr(collections.abc, '__all__', None)
            if isinstance(names, list) and 'Buffer' not in names:
                names.append('Buffer')

        class _GenericAlias:
            '''memoryview[int] as CPython 3.14 answers it (types.GenericAlias, which IronPython 3.4 lacks):
            the class and its arguments; calling it calls the class.'''

            def __init__(self, origin, args):
                self.__origin__ = origin
                self.__args__ = args if isinstance(args, tuple) else (args,)
                self.__parameters__ = ()

            def __call__(self, *args, **kwargs):
                return self.__origin__(*args, **kwargs)

            def __getattr__(self, name):
                if name.startswith('__') and name.endswith('__'):
                    raise AttributeError(name)
                return getattr(self.__origin__, name)

            def __eq__(self, other):
                if type(other) is not type(self):
                    return NotImplemented
                return (self.__origin__, self.__args__) == (other.__origin__, other.__args__)

            def __hash__(self):
                return hash(self.__origin__) ^ hash(self.__args__)

            def __repr__(self):
                def name(arg):
                    if isinstance(arg, type):
                        module = getattr(arg, '__module__', 'builtins')
                        return arg.__qualname__ if module == 'builtins' else '%s.%s' % (module, arg.__qualname__)
                    return '...' if arg is Ellipsis else repr(arg)
                return '%s[%s]' % (name(self.__origin__), ', '.join(name(a) for a in self.__args__) or '()')
        """;

    /// <summary>Makes <c>newbuffer</c> and <c>_testbuffer</c> importable in <paramref name="engine"/>: the one call a C# host makes.</summary>
    [PythonHidden]
    public static void Load(ScriptEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        engine.Runtime.LoadAssembly(typeof(NewBufferModule).Assembly);
    }

    [SpecialName]
    public static void PerformModuleReload(PythonContext context, PythonDictionary dict)
    {
        PythonErrors.Install();
        // IronPython lists nested types under their .NET names; Python knows them by their PythonType names.
        foreach (Type type in new[] { typeof(MemoryViewObject), typeof(PyBufferObject), typeof(BufferBase) })
        {
            dict.Remove(type.Name);
            dict[type.GetCustomAttribute<PythonTypeAttribute>()!.Name] = DynamicHelpers.GetPythonTypeFromType(type);
        }

        UseHostAbi();
        dict["__name__"] = "newbuffer";
        dict["_IBufferProtocol"] = DynamicHelpers.GetPythonTypeFromType(typeof(IBufferProtocol));
        SubmoduleLoader.Install(context, dict);
        var module = new CodeContext(dict, new ModuleContext(dict, context));

        Builtin.exec(module, PythonSource, dict);
        var buffer = (PythonType)dict["Buffer"];
        var mixin = (PythonType)dict["BufferMixin"];
        s_contexts.AddOrUpdate(buffer, module);
        context.SetModuleState(MixinKey, mixin);
        context.SetModuleState(MixinReleaseKey, PythonOps.GetBoundAttr(module, mixin, "_release_buffer"));
        context.SetModuleState(GenericAliasKey, dict["_GenericAlias"]);
        dict.Remove("_GenericAlias");
        dict.Remove("_IBufferProtocol");
    }

    [Documentation("get_buffer(obj, flags=PyBUF_SIMPLE)\n\nA Py_buffer filled with obj's answer to flags, exactly as the exporter made it.")]
    public static PyBufferObject get_buffer(CodeContext context, object? obj, [Optional, DefaultParameterValue(PyBUF_SIMPLE)] object? flags)
    {
        var view = new PyBufferObject();
        view.get_buffer(context, obj, flags);
        return view;
    }

    [Documentation("is_exporter(obj)\n\nTrue when obj exports a buffer in any style newbuffer knows.")]
    public static bool _is_exporter(CodeContext context, object? obj) =>
        ExporterDispatch.StyleOf(context, obj) != ExportStyle.None;

    [Documentation("True when instances of cls export a buffer.")]
    public static bool _is_exporter_type(CodeContext context, object? cls)
    {
        if (cls is not PythonType type)
        {
            throw PythonErrors.TypeError("issubclass() arg 1 must be a class");
        }

        return typeof(IBufferProtocol).IsAssignableFrom(type.__clrtype__())
            || ExporterDispatch.HasTypeAttribute(context, type, "__buffer__")
            || ExporterDispatch.HasTypeAttribute(context, type, "__getbuffer__");
    }

    [Documentation("register_memory(obj)\n\nPin obj's memory (bytes, bytearray, array, ctypes...) and let Py_buffer fields\n"
        + "take addresses inside it, until obj is collected or unregister_memory(obj). Returns the address.")]
    public static object register_memory(object? obj) =>
        PythonValues.ToPython(MemoryResolver.Register(obj));

    [Documentation("unregister_memory(obj)\n\nForget memory registered with register_memory; True if it was registered.\n"
        + "The memory stays pinned (obj cannot be resized) until no view uses it and it is collected.")]
    public static bool unregister_memory(object? obj) => MemoryResolver.Unregister(obj);

    [Documentation("set_unsafe_addresses(enabled)\n\nTrust integer addresses newbuffer cannot bound (ctypes memory it\n"
        + "was not told about). Off by default: a wrong address then crashes the process.")]
    public static void set_unsafe_addresses(bool enabled) => MemoryResolver.Unsafe = enabled;

    /// <summary>Installs <see cref="HostAbi"/> in the format table. Both modules call it when loaded:
    /// _testbuffer may be imported without newbuffer.</summary>
    internal static void UseHostAbi() => FormatTable.Abi = HostAbi;

    /// <summary>Whether <paramref name="type"/> derives from this runtime's BufferMixin.</summary>
    /// <remarks>False in a runtime that has not imported newbuffer: no class there can derive from BufferMixin.</remarks>
    internal static bool IsMixinType(CodeContext context, PythonType type) =>
        ModuleState(context, MixinKey) is PythonType mixin && mixin.__subclasscheck__(type);

    /// <summary>Whether <paramref name="release"/> is BufferMixin's own, empty <c>_release_buffer</c>.</summary>
    internal static bool IsDefaultMixinRelease(CodeContext context, object? release) =>
        release is not null && ReferenceEquals(release, ModuleState(context, MixinReleaseKey));

    /// <summary>What a module stored in the runtime's module state under <paramref name="key"/>, or null
    /// before that module was imported (PythonContext.GetModuleState throws for a missing key).</summary>
    internal static object? ModuleState(CodeContext context, string key)
    {
        PythonContext python = context.LanguageContext;
        return python.HasModuleState(key) ? python.GetModuleState(key) : null;
    }

    /// <summary>cls[item] as a generic alias (PEP 585's __class_getitem__).</summary>
    internal static object GenericAlias(CodeContext context, PythonType cls, object? item) =>
        PythonCalls.Call(context, ModuleState(context, GenericAliasKey) ?? throw PythonErrors.TypeError("memoryview[...] needs newbuffer imported in this runtime"), cls, item)!;

    /// <summary>The module context of the runtime <paramref name="obj"/>'s class was defined in.</summary>
    /// <remarks>Asked on every request, so the answer is kept per class. A class belongs to one runtime,
    /// so a found context stays right; not finding one is not kept (a later __bases__ may add Buffer).</remarks>
    internal static CodeContext ContextFor(object obj)
    {
        PythonType cls = DynamicHelpers.GetPythonType(obj);
        if (s_contextByClass.TryGetValue(cls, out CodeContext? known))
        {
            return known;
        }

        foreach (object? type in PythonType.Get__mro__(cls))
        {
            if (type is PythonType t && s_contexts.TryGetValue(t, out CodeContext? context))
            {
                s_contextByClass.AddOrUpdate(cls, context);
                return context;
            }
        }

        return DefaultContext.Default;
    }

    private static string VersionOf(Assembly assembly)
    {
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
