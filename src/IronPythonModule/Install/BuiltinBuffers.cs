// PEP 688's __buffer__(flags) and __release_buffer__(view) on IronPython's own buffer types (bytes,
// bytearray, memoryview, array.array, ctypes objects), added by newbuffer.install() and never before.
//
// IronPython's binder reads the DLR's [assembly: ExtensionType(extends, extension)] from every
// assembly its runtime loads and then resolves members of `extends` on `extension` too. The
// attributes cannot sit on newbuffer's own assembly (every host loads it at start, so the methods
// would appear without install()); install() therefore loads a run-only dynamic assembly that holds
// nothing but those attributes, naming the compiled extension classes below. The assembly is made
// once per process and loaded into each runtime that installs (loading is idempotent); IronPython's
// builtin types (and their member caches) are shared by every runtime of a process, so once one
// runtime installed, other runtimes may find the methods too (a host running several engines;
// a program that never calls install() in its process sees none). The binder
// caches misses: a lookup of bytearray.__buffer__ before install() would stay an AttributeError, so
// install() also empties the binder's two member caches and bumps the extended types' versions,
// which invalidates rules and ExportSlots entries of their Python subclasses. Both are private
// IronPython state reached by reflection; when a future IronPython renames them, install() raises
// instead of half-working.
//
// __buffer__ returns a newbuffer.memoryview made with exactly the flags (IronPython's memoryview
// cannot be asked for a format, shape or strides), over the type's own native export, never over a
// Python subclass's override (that would call __buffer__ again). __release_buffer__ releases a
// view __buffer__ made of this object, with CPython's checks.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using IronPython.Modules;
using IronPython.Runtime;
using IronPython.Runtime.Types;
using Microsoft.Scripting.Runtime;
using NewBuffer.IronPython.Exporters;
using MemoryViewObject = NewBuffer.IronPython.NewBufferModule.MemoryViewObject;

namespace NewBuffer.IronPython.Install;

internal static class BuiltinBuffers
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    /// <summary>Each IronPython buffer type and the class whose static methods it gains.</summary>
    private static readonly (Type Extends, Type Extension)[] s_extensions =
    [
        (typeof(Bytes), typeof(PythonBufferMethods<Bytes>)),
        (typeof(ByteArray), typeof(PythonBufferMethods<ByteArray>)),
        (typeof(MemoryView), typeof(PythonBufferMethods<MemoryView>)),
        (typeof(ArrayModule.array), typeof(PythonBufferMethods<ArrayModule.array>)),
        (typeof(CTypes.CData), typeof(PythonBufferMethods<CTypes.CData>)),
    ];

    private static readonly Lazy<AssemblyBuilder> s_assembly = new(DefineAssembly);

    /// <summary>Views made by a builtin __buffer__, and the object each was made of.</summary>
    private static readonly ConditionalWeakTable<MemoryViewObject, object> s_madeOf = new();

    /// <summary>Adds the methods to <paramref name="context"/>'s runtime; idempotent.</summary>
    public static void Install(CodeContext context)
    {
        PythonContext python = context.LanguageContext;
        if (python.DomainManager.LoadAssembly(s_assembly.Value))
        {
            ForgetCachedMembers(python);
        }
    }

    /// <summary>Whether some runtime of this process installed the methods (the binder then shows them to every runtime).</summary>
    public static bool IsLoaded => s_assembly.IsValueCreated;

    /// <summary>Whether <paramref name="method"/> (as a class lookup finds it) is one of the methods added here.</summary>
    /// <remarks>A class lookup finds a descriptor naming the extended type; IronPython 3.4 defines no
    /// __buffer__ or __release_buffer__ of its own on those types, so such a descriptor is ours.</remarks>
    public static bool IsBuiltinMethod(object? method) => method switch
    {
        BuiltinMethodDescriptor descriptor => descriptor.__name__ is "__buffer__" or "__release_buffer__"
            && Array.Exists(s_extensions, e => e.Extends.IsAssignableFrom(descriptor.DeclaringType)),
        BuiltinFunction function => function.Targets.Count > 0
            && Array.Exists(s_extensions, e => e.Extension == function.Targets[0].DeclaringType),
        _ => false,
    };

    /// <summary>Whether <paramref name="view"/> was made by a builtin __buffer__ of <paramref name="obj"/>.</summary>
    public static bool IsViewMadeOf(object? view, object obj) =>
        view is MemoryViewObject m && s_madeOf.TryGetValue(m, out object? of) && ReferenceEquals(of, obj);

    internal static MemoryViewObject Export(CodeContext context, IBufferProtocol self, object? flags)
    {
        int request = PythonValues.ToBufferFlags(flags);
        var view = (MemoryViewObject)MemoryViewObject._from_flags(context, DynamicHelpers.GetPythonTypeFromType(typeof(MemoryViewObject)), new NativeExporter(self), request);
        s_madeOf.AddOrUpdate(view, self);
        return view;
    }

    internal static void Release(object self, object? buffer)
    {
        if (buffer is MemoryView)
        {
            // IronPython's memoryview: never one __buffer__ made.
            throw PythonErrors.ValueError("memoryview's buffer is not this object");
        }

        if (buffer is not MemoryViewObject view)
        {
            throw PythonErrors.TypeError("expected a memoryview object");
        }

        if (view.IsReleased)
        {
            throw PythonErrors.ValueError("memoryview's buffer has already been released");
        }

        if (!ReferenceEquals(view.obj, self))
        {
            throw PythonErrors.ValueError("memoryview's buffer is not this object");
        }

        view.release();
    }

    private static AssemblyBuilder DefineAssembly()
    {
        var builder = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("NewBuffer.IronPython.Pep688"), AssemblyBuilderAccess.Run);
        ConstructorInfo attribute = typeof(ExtensionTypeAttribute).GetConstructor([typeof(Type), typeof(Type)])!;
        foreach ((Type extends, Type extension) in s_extensions)
        {
            builder.SetCustomAttribute(new CustomAttributeBuilder(attribute, [extends, extension]));
        }

        return builder;
    }

    /// <summary>Empties the binder's member caches (misses included) and bumps the extended types' versions.</summary>
    private static void ForgetCachedMembers(PythonContext python)
    {
        object binder = typeof(PythonContext).GetProperty("Binder", Private)?.GetValue(python) ?? throw Unsupported("PythonContext.Binder");
        foreach (string name in new[] { "_typeMembers", "_resolvedMembers" })
        {
            object? cache = binder.GetType().GetField(name, Private)?.GetValue(binder) ?? throw Unsupported("PythonBinder." + name);
            FieldInfo infos = cache.GetType().GetField("_cachedInfos", Private) ?? throw Unsupported("SlotCache._cachedInfos");
            if (infos.GetValue(cache) is System.Collections.IDictionary dictionary)
            {
                lock (dictionary)
                {
                    dictionary.Clear();
                }
            }
        }

        MethodInfo updateVersion = typeof(PythonType).GetMethod("UpdateVersion", Private) ?? throw Unsupported("PythonType.UpdateVersion");
        foreach (Type extends in s_extensions.Select(e => e.Extends))
        {
            updateVersion.Invoke(DynamicHelpers.GetPythonTypeFromType(extends), null);
        }
    }

    private static Exception Unsupported(string member) =>
        PythonErrors.TypeError($"newbuffer.install(): this IronPython ({typeof(PythonContext).Assembly.GetName().Version}) has no {member}; PEP 688 methods on builtin types need IronPython 3.4");
}

/// <summary>PEP 688 methods of one of IronPython's buffer types (bytes, bytearray, memoryview,
/// array.array, ctypes objects), as an extension of <typeparamref name="T"/>.</summary>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "IronPython's binder calls them as members of T; no C# code names the generic type")]
public static class PythonBufferMethods<T>
    where T : IBufferProtocol
{
    [Documentation("__buffer__(flags)\n\nReturn a buffer object that exposes the underlying memory of the object.")]
    public static object __buffer__(CodeContext context, T self, object? flags) => BuiltinBuffers.Export(context, self, flags);

    [Documentation("__release_buffer__(buffer)\n\nRelease the buffer object that exposes the underlying memory of the object.")]
    public static void __release_buffer__(T self, object? buffer) => BuiltinBuffers.Release(self, buffer);
}
