// What export dispatch needs to know about a Python class, looked up once per version of the
// class: its Python-level export style, the methods that get and release buffers, and whether
// __buffer__ takes flags. IronPython bumps a class's version (and its subclasses') whenever an
// attribute or base changes, so a cached entry is reused only while the version still matches;
// without access to the version (another IronPython build) nothing is cached and every request
// looks the methods up again.
using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using NewBuffer.IronPython.Install;

namespace NewBuffer.IronPython.Exporters;

internal sealed class ExportSlots
{
    private const int VarArgsFlag = 0x04;

    private static readonly Func<PythonType, int>? s_version = VersionGetter();
    private static readonly ConditionalWeakTable<PythonType, ExportSlots> s_cache = new();

    private ExportSlots(int version)
    {
        Version = version;
    }

    public int Version { get; }

    /// <summary>Mixin, GetBufferMethod, Delegating, or None for a class without a Python-level export.</summary>
    public ExportStyle Style { get; private set; }

    /// <summary>The unbound method that answers requests (_get_buffer, __getbuffer__ or __buffer__).</summary>
    public object? GetMethod { get; private set; }

    /// <summary>The unbound release method (_release_buffer, __releasebuffer__ or __release_buffer__), or null.</summary>
    public object? ReleaseMethod { get; private set; }

    /// <summary>Whether __buffer__ takes the flags (PEP 688) or only self (the earlier proposal).</summary>
    public bool TakesFlags { get; private set; }

    public static ExportSlots For(CodeContext context, PythonType type)
    {
        if (s_version is null)
        {
            return Compute(context, type, 0);
        }

        int version = s_version(type);
        if (s_cache.TryGetValue(type, out ExportSlots? slots) && slots.Version == version)
        {
            return slots;
        }

        slots = Compute(context, type, version);
        s_cache.AddOrUpdate(type, slots);
        return slots;
    }

    private static ExportSlots Compute(CodeContext context, PythonType type, int version)
    {
        var slots = new ExportSlots(version);
        if (NewBufferModule.IsMixinType(context, type) && TryGet(context, type, "_get_buffer", out object? get))
        {
            // BufferMixin's own _release_buffer does nothing; not calling it saves a Python call per release.
            object? release = Find(context, type, "_release_buffer");
            slots.Set(ExportStyle.Mixin, get, NewBufferModule.IsDefaultMixinRelease(context, release) ? null : release);
        }
        else if (TryGet(context, type, "__getbuffer__", out get))
        {
            slots.Set(ExportStyle.GetBufferMethod, get, Find(context, type, "__releasebuffer__"));
        }
        else if (TryGet(context, type, "__buffer__", out get))
        {
            // After install(), a subclass of bytearray finds bytearray's __buffer__: only what the
            // class itself defines makes it a Python-level exporter, and a builtin __release_buffer__
            // is not called back (CPython calls only a Python one).
            object? release = Find(context, type, "__release_buffer__");
            if (BuiltinBuffers.IsBuiltinMethod(release))
            {
                release = null;
            }

            if (BuiltinBuffers.IsBuiltinMethod(get) && release is null)
            {
                return slots;
            }

            slots.Set(ExportStyle.Delegating, get, release);
            slots.TakesFlags = get is not PythonFunction function
                || function.__code__.co_argcount > 1 || (function.__code__.co_flags & VarArgsFlag) != 0;
        }

        return slots;
    }

    private void Set(ExportStyle style, object? get, object? release)
    {
        Style = style;
        GetMethod = get;
        ReleaseMethod = release;
    }

    private static object? Find(CodeContext context, PythonType type, string name) =>
        TryGet(context, type, name, out object? value) ? value : null;

    /// <summary>A class attribute that is set (not None), as the slot lookup sees it.</summary>
    internal static bool TryGet(CodeContext context, PythonType type, string name, out object? value) =>
        PythonOps.TryGetBoundAttr(context, type, name, out value) && value is not null;

    private static Func<PythonType, int>? VersionGetter()
    {
        MethodInfo? getter = typeof(PythonType).GetProperty("Version", BindingFlags.Instance | BindingFlags.NonPublic)?.GetGetMethod(nonPublic: true);
        return getter is null ? null : (Func<PythonType, int>)Delegate.CreateDelegate(typeof(Func<PythonType, int>), getter);
    }
}
