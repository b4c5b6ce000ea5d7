// IronPython's own console (script, -c, REPL, the usual options) with the newbuffer assembly loaded,
// so `import newbuffer` and `import _testbuffer` work. This is what `scripts/ipy` runs.
// `--install` as the first argument (before any of Python's) runs newbuffer.install() before the
// script, -c command or REPL starts, so CPython 3.12+ code (struct 'e', inspect.BufferFlags,
// collections.abc.Buffer) runs unchanged; NEWBUFFER_INSTALL=1 does the same.
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

    /// <summary>The switch that runs newbuffer.install() first; only recognised as the first argument.</summary>
    public const string InstallSwitch = "--install";

    private bool _install = Environment.GetEnvironmentVariable("NEWBUFFER_INSTALL") == "1";

    protected override void ParseHostOptions(string[] args)
    {
        // Every other argument is Python's, as in ipy.
        for (int i = 0; i < args.Length; i++)
        {
            if (i == 0 && args[i] == InstallSwitch)
            {
                _install = true;
                continue;
            }

            Options.IgnoredArgs.Add(args[i]);
        }
    }

    protected override void ExecuteInternal()
    {
        // NEWBUFFER_NO_AUTOLOAD makes this a stock ipy, to test the clr.AddReference and DLLs routes.
        if (Environment.GetEnvironmentVariable("NEWBUFFER_NO_AUTOLOAD") is null)
        {
            LoadNewBuffer();
            if (_install)
            {
                Engine.Execute("import newbuffer as _newbuffer; _newbuffer.install(); del _newbuffer", Engine.CreateScope());
            }
        }

        base.ExecuteInternal();
    }

    // Separate so that, with auto-load off, the runtime never needs the newbuffer assembly here.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void LoadNewBuffer() => IronPython.NewBufferModule.Load(Engine);

    [STAThread]
    public static int Main(string[] args) => new NewBufferConsoleHost().Run(args);
}
