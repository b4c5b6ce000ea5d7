using System;
using System.Collections.Generic;
using System.Linq;
using NewBuffer.Tests.Support;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>Random struct formats against CPython 3.13's struct module (<see cref="FormatFuzzer"/>).</summary>
[TestFixture]
public class FormatFuzzTests
{
    [Test]
    public void Parse_CPythonTableOfRandomFormats_AgreesWithCPython()
    {
        AssumeCPythonTablePlatform();
        var disagreements = FormatFuzzer.Table()
            .Select(entry => (entry.Format, Expected: entry.Answer, Actual: FormatFuzzer.OurAnswer(entry.Format)))
            .Where(x => x.Expected != x.Actual)
            .Select(x => $"'{FormatFuzzer.Encode(x.Format)}': CPython '{x.Expected}', ours '{x.Actual}'")
            .ToList();

        Assert.That(disagreements, Is.Empty, string.Join("\n", disagreements.Take(20)));
    }

    [Test]
    public void Parse_FixedSeedRandomFormats_AgreeWithLiveCPython()
    {
        AssumeCPythonTablePlatform();
        List<string> failures = Compare(new Random(20261122), 3000, out bool ran);
        if (!ran)
        {
            Assert.Ignore("no CPython 3.13 here (PYENV_VERSION=3.13.0 python3, or NEWBUFFER_CPYTHON); the committed table still ran");
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(20)));
    }

    /// <summary>The long run behind <c>scripts/fuzz</c>: batches of random formats until NEWBUFFER_FUZZ_SECONDS pass.</summary>
    [Test]
    [Explicit("long run: scripts/fuzz")]
    [Category("LongFuzz")]
    public void Parse_TimeBudget_AgreesWithLiveCPython()
    {
        AssumeCPythonTablePlatform();
        FuzzBudget budget = FuzzBudget.FromEnvironment("formats");
        var failures = new List<string>();
        while (budget.Next(out int seed))
        {
            List<string> batch = Compare(new Random(seed), 2000, out bool ran);
            if (!ran)
            {
                Assert.Ignore("no CPython 3.13 here (PYENV_VERSION=3.13.0 python3, or NEWBUFFER_CPYTHON)");
            }

            failures.AddRange(batch.Select(f => $"seed {seed}: {f}"));
        }

        budget.Report(failures);
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(20)));
    }

    private static List<string> Compare(Random random, int count, out bool ran)
    {
        var formats = Enumerable.Range(0, count).Select(_ => FormatFuzzer.RandomFormat(random)).ToList();
        string[]? answers = FormatFuzzer.AskCPython(formats);
        ran = answers is not null;
        return answers is null ? [] : formats.Zip(answers)
            .Where(p => FormatFuzzer.OurAnswer(p.First) != p.Second)
            .Select(p => $"'{FormatFuzzer.Encode(p.First)}': CPython '{p.Second}', ours '{FormatFuzzer.OurAnswer(p.First)}'")
            .ToList();
    }

    private static void AssumeCPythonTablePlatform()
    {
        if (OperatingSystem.IsWindows() || IntPtr.Size != 8 || !BitConverter.IsLittleEndian)
        {
            Assert.Ignore("CPython's answers were taken where native long and pointers are 8 bytes");
        }
    }
}
