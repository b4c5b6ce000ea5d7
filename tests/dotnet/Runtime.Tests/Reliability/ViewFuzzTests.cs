using System;
using System.Collections.Generic;
using NewBuffer.Tests.Support;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>Random operation sequences on random guarded views against the reference model (<see cref="ViewFuzzer"/>).</summary>
[TestFixture]
public class ViewFuzzTests
{
    private const int FixedSeeds = 1500;

    [Test]
    public void RunCase_FixedSeeds_ViewAgreesWithTheModel()
    {
        var failures = new List<string>();
        for (int seed = 0; seed < FixedSeeds && failures.Count < 5; seed++)
        {
            try
            {
                ViewFuzzer.RunCase(seed);
            }
            catch (FuzzFailure e)
            {
                failures.Add(e.Message);
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    [Test]
    public void HostileViews_FixedSeeds_RefusedCleanlyOrReadCorrectly()
    {
        var failures = new List<string>();
        for (int seed = 0; seed < FixedSeeds * 2 && failures.Count < 5; seed++)
        {
            try
            {
                HostileViewFuzzer.RunCase(seed);
            }
            catch (FuzzFailure e)
            {
                failures.Add(e.Message);
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    /// <summary>The long run behind <c>scripts/fuzz</c>: random seeds until NEWBUFFER_FUZZ_SECONDS pass.</summary>
    [Test]
    [Explicit("long run: scripts/fuzz")]
    [Category("LongFuzz")]
    public void RunCase_TimeBudget_ViewAgreesWithTheModel()
    {
        FuzzBudget budget = FuzzBudget.FromEnvironment("views");
        var failures = new List<string>();
        while (budget.Next(out int seed))
        {
            try
            {
                ViewFuzzer.RunCase(seed);
            }
            catch (FuzzFailure e)
            {
                failures.Add(e.Message);
                TestContext.Out.WriteLine("FAILED " + e.Message);
            }
        }

        budget.Report(failures);
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    /// <summary>The long run of hostile views behind <c>scripts/fuzz</c>.</summary>
    [Test]
    [Explicit("long run: scripts/fuzz")]
    [Category("LongFuzz")]
    public void HostileViews_TimeBudget_RefusedCleanlyOrReadCorrectly()
    {
        FuzzBudget budget = FuzzBudget.FromEnvironment("hostile");
        var failures = new List<string>();
        while (budget.Next(out int seed))
        {
            try
            {
                HostileViewFuzzer.RunCase(seed);
            }
            catch (FuzzFailure e)
            {
                failures.Add(e.Message);
                TestContext.Out.WriteLine("FAILED " + e.Message);
            }
        }

        budget.Report(failures);
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }
}
