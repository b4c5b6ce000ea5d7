// The C# half of newbuffer.install() and of newbuffer.exporter on subclasses of IronPython's buffer
// types. install() itself is Python (NewBufferModule's source); what it cannot do from Python lives
// here: adding PEP 688 methods to builtin types (BuiltinBuffers), the per-runtime strict switch read
// by DelegatingExporter, and the buffer a _BufferBridge subclass hands IronPython's consumers.
using System;
using System.Runtime.CompilerServices;
using IronPython.Runtime;
using IronPython.Runtime.Operations;
using IronPython.Runtime.Types;
using Microsoft.Scripting.Runtime;
using NewBuffer.IronPython.Exporters;
using NewBuffer.IronPython.Install;
using NewBuffer.Protocol;
using CoreFlags = NewBuffer.Protocol.BufferFlags;

namespace NewBuffer.IronPython;

public static partial class NewBufferModule
{
    // Asked on every __buffer__ request: a lock-free table, where PythonContext's module state takes a lock per read.
    private static readonly ConditionalWeakTable<PythonContext, object> s_strictRuntimes = new();

    [Documentation("_install_pep688(strict, memoryview)\n\nThe part of install() done in .NET: __buffer__ and __release_buffer__ on bytes,\n"
        + "bytearray, memoryview, array.array and ctypes objects; whether __buffer__ must return a memoryview; whether\n"
        + "builtins.memoryview becomes newbuffer.memoryview.")]
    public static void _install_pep688(CodeContext context, bool strict, bool memoryview)
    {
        BuiltinBuffers.Install(context);
        PythonContext python = context.LanguageContext;
        if (strict)
        {
            s_strictRuntimes.AddOrUpdate(python, python);
        }
        else
        {
            s_strictRuntimes.Remove(python);
        }
        if (memoryview)
        {
            PythonOps.SetAttr(context, python.BuiltinModuleInstance, "memoryview", DynamicHelpers.GetPythonTypeFromType(typeof(MemoryViewObject)));
        }
    }

    [Documentation("_pep688_in_process()\n\nTrue once install() ran in any runtime of this process: IronPython's binder shares\n"
        + "builtin types between runtimes, so their __buffer__/__release_buffer__ may then be visible in every runtime.")]
    public static bool _pep688_in_process() => BuiltinBuffers.IsLoaded;

    [Documentation("_has_native_buffer(cls)\n\nTrue when instances of cls are exported by IronPython itself (bytes, bytearray,\n"
        + "array, ctypes... and their subclasses), so cls cannot also inherit newbuffer.Buffer.")]
    public static bool _has_native_buffer(object? cls) =>
        cls is PythonType type && NativeExporter.BuiltinBufferType(type.__clrtype__()) is { } builtin
        && !typeof(BufferBase).IsAssignableFrom(builtin);

    [Documentation("_bridge_get_buffer(obj, flags)\n\nWhat a subclass of a builtin buffer type made an exporter hands IronPython's\n"
        + "consumers: its Python-level export if it defines one, else the builtin's own.")]
    public static IPythonBuffer _bridge_get_buffer(CodeContext context, object? obj, object? flags)
    {
        if (obj is not IBufferProtocol native || !_has_native_buffer(DynamicHelpers.GetPythonType(obj)))
        {
            throw PythonErrors.TypeError($"_bridge_get_buffer() argument 1 must export a builtin buffer, not '{PythonErrors.TypeName(obj)}'");
        }

        int request = flags is global::IronPython.Runtime.BufferFlags f ? (int)f : PythonValues.ToClinicInt(flags);
        IBufferExporter exporter = ExporterDispatch.TryCreate(context, obj, pythonOnly: true) ?? new NativeExporter(native);
        return ExporterDispatch.ToIronPython(exporter, (CoreFlags)request, PythonErrors.TypeName(obj));
    }

    /// <summary>Whether install(strict=True) ran last in this runtime: __buffer__ must then return a memoryview (PEP 688).</summary>
    internal static bool IsStrict(CodeContext context) => s_strictRuntimes.TryGetValue(context.LanguageContext, out _);
}
