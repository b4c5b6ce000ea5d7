// IronPython's own console (script, -c, REPL, the usual options) with the newbuffer assembly loaded,
// so `import newbuffer` and `import _testbuffer` work. This is what `scripts/ipy` runs.
using System;
using IronPython.Hosting;
using IronPython.Runtime;
using Microsoft.Scripting.Hosting;
using Microsoft.Scripting.Hosting.Shell;

namespace NewBuffer.Host;

internal sealed class NewBufferConsoleHost : ConsoleHost
{
    protected override Type Provider => typeof(PythonContext);

    protected override CommandLine CreateCommandLine() => new PythonCommandLine();

    protected override OptionsParser CreateOptionsParser() => new PythonOptionsParser();

    protected override LanguageSetup CreateLanguageSetup() => Python.CreateLanguageSetup(null);

    protected override IConsole CreateConsole(ScriptEngine engine, CommandLine commandLine, ConsoleOptions options) =>
        ((PythonConsoleOptions)options).BasicConsole ? new BasicConsole(options) : new SuperConsole(commandLine, options);

    protected override void ParseHostOptions(string[] args)
    {
        // Every argument is Python's, as in ipy.
        foreach (string arg in args)
        {
            Options.IgnoredArgs.Add(arg);
        }
    }

    protected override void ExecuteInternal()
    {
        // NEWBUFFER_NO_AUTOLOAD makes this a stock ipy, to test the clr.AddReference and DLLs routes.
        if (Environment.GetEnvironmentVariable("NEWBUFFER_NO_AUTOLOAD") is null)
        {
            LoadNewBuffer();
        }

        base.ExecuteInternal();
    }

    // Separate so that, with auto-load off, the runtime never needs the newbuffer assembly here.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void LoadNewBuffer() => IronPython.NewBufferModule.Load(Engine);

    [STAThread]
    public static int Main(string[] args) => new NewBufferConsoleHost().Run(args);
}
