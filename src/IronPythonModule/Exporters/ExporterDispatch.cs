// Finds the exporter for a Python object (see ExportStyle for the order) and wraps it as a core
// IBufferExporter. A fresh exporter object serves each request, so it can keep what that request
// needs at release (the inner view of a delegating export) without any shared table.
using System;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using MemoryViewObject = NewBuffer.IronPython.NewBufferModule.MemoryViewObject;
using NewBuffer.Clr;
using NewBuffer.Protocol;
using static NewBuffer.IronPython.NewBufferModule;
using IronPythonBuffers = IronPython.Runtime.IBufferProtocol;

namespace NewBuffer.IronPython.Exporters;

internal static class ExporterDispatch
{
    /// <summary>Which style <paramref name="obj"/> exports with; <paramref name="pythonOnly"/> skips the native styles.</summary>
    public static ExportStyle StyleOf(CodeContext context, object? obj, bool pythonOnly = false) =>
        Resolve(context, obj, pythonOnly, out _);

    /// <summary>An exporter for one request on <paramref name="obj"/>, or null when it has no buffer.</summary>
    public static IBufferExporter? TryCreate(CodeContext context, object? obj, bool pythonOnly = false) => Resolve(context, obj, pythonOnly, out ExportSlots? slots) switch
    {
        ExportStyle.MemoryView => (MemoryViewObject)obj!,
        ExportStyle.CoreExporter => (IBufferExporter)obj!,
        ExportStyle.Mixin => new MixinExporter(context, obj!, slots!),
        ExportStyle.GetBufferMethod => new GetBufferMethodExporter(context, obj!, slots!),
        ExportStyle.Delegating => new DelegatingExporter(context, obj!, slots!),
        ExportStyle.Native => new NativeExporter((IronPythonBuffers)obj!),
        ExportStyle.DotNetMemory => ClrExport.TryCreate(obj),
        _ => null,
    };

    /// <summary>Whether <paramref name="obj"/> is one of IronPython's own buffers (bytes, bytearray, its memoryview, array...).</summary>
    public static bool IsIronPythonBuffer(CodeContext context, object? obj) => Resolve(context, obj, pythonOnly: false, out _) == ExportStyle.Native;

    /// <summary>A buffer for IronPython's own consumers from <paramref name="exporter"/>'s answer to <paramref name="flags"/>.</summary>
    public static IPythonBuffer ToIronPython(IBufferExporter exporter, NewBuffer.Protocol.BufferFlags flags, string who) =>
        exporter is ReturnedViewExporter returning ? returning.ExportToIronPython(flags, who) : PythonBufferAdapter.Export(exporter, flags, who);

    /// <summary>The style, and for the Python-level styles the class's slots (looked up once per request).</summary>
    private static ExportStyle Resolve(CodeContext context, object? obj, bool pythonOnly, out ExportSlots? slots)
    {
        slots = null;
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
            slots = ExportSlots.For(context, DynamicHelpers.GetPythonType(obj));
            if (slots.Style != ExportStyle.None)
            {
                return slots.Style;
            }
        }

        if (pythonOnly || obj is BufferBase)
        {
            return ExportStyle.None;
        }

        return obj switch
        {
            IronPythonBuffers => ExportStyle.Native,
            _ when ClrExport.IsExportable(obj) => ExportStyle.DotNetMemory,
            _ => ExportStyle.None,
        };
    }

    /// <summary>An exporter for <paramref name="obj"/>, or CPython's TypeError for an object without a buffer.</summary>
    public static IBufferExporter Create(CodeContext context, object? obj, string who) =>
        TryCreate(context, obj) ?? throw PythonErrors.TypeError(ClrExport.Refusal(obj) is { } why ? $"{who}{why}"
            : $"{who}a bytes-like object is required, not '{PythonErrors.TypeName(obj)}'");

    /// <summary>Calls a release method found on the type (<see cref="ExportSlots.ReleaseMethod"/>), if any;
    /// its errors are reported as unraisable, never raised, as in PEP 688.</summary>
    public static void CallReleaseMethod(CodeContext context, object self, object? method, object? view)
    {
        if (method is null)
        {
            return;
        }

        try
        {
            PythonCalls.Call(context, method, self, view);
        }
        catch (Exception e)
        {
            PythonErrors.ReportUnraisable(context, e, self);
        }
    }

    public static bool HasTypeAttribute(CodeContext context, PythonType type, string name) =>
        ExportSlots.TryGet(context, type, name, out _);
}
