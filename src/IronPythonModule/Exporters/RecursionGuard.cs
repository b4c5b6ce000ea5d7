// Exporters that delegate to other exporters can form cycles (a.__buffer__ returns b, b's returns
// a; a BufferMixin setting view.buf = self). IronPython sets no recursion limit by default, so
// without this guard such a cycle would end in a stack overflow, which kills the process; with it,
// the cycle ends in RecursionError. Levels are deep (interpreted Python frames between them) and
// thread stacks small, so the guard also stops when the stack runs low, whatever the depth.
using System;
using IronPython.Runtime.Operations;

namespace NewBuffer.IronPython.Exporters;

internal static class RecursionGuard
{
    // Unwinding a RecursionError through interpreted frames costs far more stack than the descent
    // (each level catches and rethrows), so 200 levels overflowed the 8 MB main stack; 64 leaves room.
    private const int Limit = 64;

    [ThreadStatic]
    private static int t_depth;

    public static Scope Enter()
    {
        if (++t_depth > Limit || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
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
