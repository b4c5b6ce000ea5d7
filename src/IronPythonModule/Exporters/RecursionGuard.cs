// Exporters that delegate to other exporters can form cycles (a.__buffer__ returns b, b's returns
// a). IronPython sets no recursion limit by default, so without this guard such a cycle would end in
// a stack overflow, which kills the process; with it, the cycle ends in RecursionError.
using System;
using IronPython.Runtime.Operations;

namespace NewBuffer.IronPython.Exporters;

internal static class RecursionGuard
{
    private const int Limit = 200;

    [ThreadStatic]
    private static int t_depth;

    public static Scope Enter()
    {
        if (++t_depth > Limit)
        {
            t_depth--;
            throw PythonOps.RecursionError("{0}", "maximum recursion depth exceeded while getting a buffer");
        }

        return default;
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => t_depth--;
    }
}
