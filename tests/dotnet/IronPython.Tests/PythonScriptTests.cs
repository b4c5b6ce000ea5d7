// Runs each tests/python/test_*.py as one NUnit case under a fresh IronPython engine, with
// unittest's own runner; the case fails if any Python test fails or errors, or if none ran.
// IronPython's own test harness does the same with TestCaseSource.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Scripting.Hosting;
using NUnit.Framework;

namespace NewBuffer.IronPython.Tests;

[TestFixture]
public class PythonScriptTests
{
    private const string Runner = """
        import sys, unittest, importlib
        module = importlib.import_module(MODULE_NAME)
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
        result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
        RUN, FAILURES, ERRORS, SKIPPED = result.testsRun, len(result.failures), len(result.errors), len(result.skipped)
        """;

    private static string Failures(string output)
    {
        int start = output.IndexOf("\n======", System.StringComparison.Ordinal);
        return start < 0 ? output : output[start..];
    }

    public static IEnumerable<TestCaseData> Scripts() =>
        Directory.GetFiles(PythonEngines.PythonTests, "test_*.py")
            .OrderBy(p => p, System.StringComparer.Ordinal)
            .Select(p => new TestCaseData(Path.GetFileNameWithoutExtension(p)).SetName(Path.GetFileName(p)));

    [TestCaseSource(nameof(Scripts))]
    public void Script_UnderIronPython_AllTestsPass(string module)
    {
        var output = new StringWriter();
        ScriptEngine engine = PythonEngines.Create(output);
        ScriptScope scope = engine.CreateScope();
        scope.SetVariable("MODULE_NAME", module);
        engine.Execute(Runner, scope);
        int run = scope.GetVariable<int>("RUN"), failures = scope.GetVariable<int>("FAILURES");
        int errors = scope.GetVariable<int>("ERRORS"), skipped = scope.GetVariable<int>("SKIPPED");

        TestContext.Out.Write(output.ToString());
        Assert.That(run - skipped, Is.GreaterThan(0), "no Python test ran");
        Assert.That((failures, errors), Is.EqualTo((0, 0)), $"{module}: {failures} failures, {errors} errors of {run}:\n{Failures(output.ToString())}");
    }
}
