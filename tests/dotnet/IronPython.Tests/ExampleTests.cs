// Every examples/*.py runs to the end under IronPython (they assert their own claims), so the
// README's main-job command stays true.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Scripting.Hosting;
using NUnit.Framework;

namespace NewBuffer.IronPython.Tests;

[TestFixture]
public class ExampleTests
{
    public static IEnumerable<TestCaseData> Examples() =>
        Directory.GetFiles(Path.Combine(PythonEngines.RepositoryRoot, "examples"), "*.py")
            .OrderBy(p => p, System.StringComparer.Ordinal)
            .Select(p => new TestCaseData(p).SetName("example " + Path.GetFileName(p)));

    [TestCaseSource(nameof(Examples))]
    public void Example_Runs_WithoutError(string path)
    {
        var output = new StringWriter();
        ScriptEngine engine = PythonEngines.Create(output);

        engine.ExecuteFile(path);

        TestContext.Out.Write(output.ToString());
        Assert.That(output.ToString(), Is.Not.Empty);
    }
}
