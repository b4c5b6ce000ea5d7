// Finds the exporter for a Python object (see ExportStyle for the order) and wraps it as a core
// IBufferExporter. A fresh exporter object serves each request, so it can keep what that request
// needs at release (the inner view of a delegating export) without any shared table.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using MemoryViewObject = NewBuffer.IronPython.NewBufferModule.MemoryViewObject;
using NewBuffer.Protocol;
using static NewBuffer.IronPython.NewBufferModule;
using IronPythonBuffers = IronPython.Runtime.IBufferProtocol;

namespace NewBuffer.IronPython.Exporters;

internal static class ExporterDispatch
{
    /// <summary>Which style <paramref name="obj"/> exports with; <paramref name="pythonOnly"/> skips the native styles.</summary>
    public static ExportStyle StyleOf(CodeContext context, object? obj, bool pythonOnly = false)
    {
        switch (obj)
        {
            case null:
                return ExportStyle.None;
            case MemoryViewObject:
                return ExportStyle.MemoryView;
            case IBufferExporter:
                return ExportStyle.CoreExporter;
        }

        if (obj is IPythonObject)
        {
            PythonType type = DynamicHelpers.GetPythonType(obj);
            if (NewBufferModule.IsMixin(context, obj) && HasTypeAttribute(context, type, "_get_buffer"))
            {
                return ExportStyle.Mixin;
            }

            if (HasTypeAttribute(context, type, "__getbuffer__"))
            {
                return ExportStyle.GetBufferMethod;
            }

            if (HasTypeAttribute(context, type, "__buffer__"))
            {
                return ExportStyle.Delegating;
            }
        }

        if (pythonOnly || obj is BufferBase)
        {
            return ExportStyle.None;
        }

        return obj switch
        {
            IronPythonBuffers => ExportStyle.Native,
            byte[] or Memory<byte> or ReadOnlyMemory<byte> => ExportStyle.DotNetMemory,
            _ => ExportStyle.None,
        };
    }

    /// <summary>An exporter for one request on <paramref name="obj"/>, or null when it has no buffer.</summary>
    public static IBufferExporter? TryCreate(CodeContext context, object? obj, bool pythonOnly = false) => StyleOf(context, obj, pythonOnly) switch
    {
        ExportStyle.MemoryView => (MemoryViewObject)obj!,
        ExportStyle.CoreExporter => (IBufferExporter)obj!,
        ExportStyle.Mixin => new MixinExporter(context, obj!),
        ExportStyle.GetBufferMethod => new GetBufferMethodExporter(context, obj!),
        ExportStyle.Delegating => new DelegatingExporter(context, obj!),
        ExportStyle.Native => new NativeExporter((IronPythonBuffers)obj!),
        ExportStyle.DotNetMemory => new DotNetMemoryExporter(obj!),
        _ => null,
    };

    /// <summary>An exporter for <paramref name="obj"/>, or CPython's TypeError for an object without a buffer.</summary>
    public static IBufferExporter Create(CodeContext context, object? obj, string who) =>
        TryCreate(context, obj) ?? throw PythonErrors.TypeError($"{who}a bytes-like object is required, not '{PythonErrors.TypeName(obj)}'");

    /// <summary>Calls the special method <paramref name="name"/> as found on the type, not the instance (CPython's _PyType_Lookup).</summary>
    public static object? CallTypeMethod(CodeContext context, object self, string name, params object?[] args)
    {
        PythonType type = DynamicHelpers.GetPythonType(self);
        if (!PythonOps.TryGetBoundAttr(context, type, name, out object? function))
        {
            throw PythonOps.AttributeError("{0}", $"'{PythonErrors.TypeName(self)}' object has no attribute '{name}'");
        }

        var all = new object?[args.Length + 1];
        all[0] = self;
        args.CopyTo(all, 1);
        return PythonCalls.Call(context, function, all);
    }

    /// <summary>Calls a release method (<c>__release_buffer__</c>, <c>__releasebuffer__</c>) if the type has one;
    /// its errors are reported as unraisable, never raised, as in PEP 688.</summary>
    public static void CallReleaseMethod(CodeContext context, object self, string name, object? view)
    {
        if (!HasTypeAttribute(context, DynamicHelpers.GetPythonType(self), name))
        {
            return;
        }

        try
        {
            CallTypeMethod(context, self, name, view);
        }
        catch (Exception e)
        {
            PythonErrors.ReportUnraisable(context, e, self);
        }
    }

    public static bool HasTypeAttribute(CodeContext context, PythonType type, string name) =>
        PythonOps.TryGetBoundAttr(context, type, name, out object? value) && value is not null;
}
