// The time budget and seeds of a long fuzz run (scripts/fuzz sets NEWBUFFER_FUZZ_SECONDS and,
// to replay, NEWBUFFER_FUZZ_SEED). Seeds run consecutively from a random start, and the first and
// last seed are printed, so every case of a run can be replayed. Before each case the seed it is
// about to run is written to NEWBUFFER_FUZZ_PROGRESS (when set), so a run that crashes the process
// (a guard page hit) still names its seed. A case slower than SlowCase fails: "never hangs" is
// part of what is fuzzed, and a time budget alone would hide one case eating the whole run.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NUnit.Framework;

namespace NewBuffer.Tests.Support;

internal sealed class FuzzBudget
{
    private readonly string _name;
    private static readonly TimeSpan SlowCase = TimeSpan.FromSeconds(10);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _caseClock = new();
    private readonly List<string> _slow = [];
    private TimeSpan _slowest;
    private int _slowestSeed;
    private readonly TimeSpan _budget;
    private readonly int _first;
    private readonly string? _progress;
    private readonly bool _single;
    private int _next;
    private long _cases;

    private FuzzBudget(string name, TimeSpan budget, int first, bool single, string? progress)
    {
        _name = name;
        _budget = budget;
        _first = _next = first;
        _single = single;
        _progress = progress;
    }

    public static FuzzBudget FromEnvironment(string name)
    {
        double seconds = double.Parse(Environment.GetEnvironmentVariable("NEWBUFFER_FUZZ_SECONDS") ?? "10", CultureInfo.InvariantCulture);
        string? seed = Environment.GetEnvironmentVariable("NEWBUFFER_FUZZ_SEED");
        int first = seed is null ? Random.Shared.Next() : int.Parse(seed, CultureInfo.InvariantCulture);
        var budget = new FuzzBudget(name, TimeSpan.FromSeconds(seconds), first, seed is not null && seconds == 0, Environment.GetEnvironmentVariable("NEWBUFFER_FUZZ_PROGRESS"));
        TestContext.Out.WriteLine($"fuzz {name}: {seconds:0} s from seed {first}");
        return budget;
    }

    /// <summary>The next seed, or false when the time is up (a replay runs exactly its one seed).</summary>
    public bool Next(out int seed)
    {
        EndCase();
        seed = _next;
        bool go = _single ? _cases == 0 : _clock.Elapsed < _budget;
        if (go)
        {
            _cases++;
            _next = unchecked(_next + 1);
            if (_progress is not null)
            {
                File.WriteAllText(_progress, $"{_name} {seed}\n");
            }

            _caseClock.Restart();
        }

        return go;
    }

    /// <summary>Adds the cases that were too slow to <paramref name="failures"/> and prints the run's summary.</summary>
    public void Report(List<string> failures)
    {
        EndCase();
        foreach (string slow in _slow)
        {
            TestContext.Out.WriteLine("FAILED " + slow);
        }

        failures.AddRange(_slow);
        TestContext.Out.WriteLine($"fuzz {_name}: {_cases} cases, seeds {_first}..{unchecked(_next - 1)}, {failures.Count} failures, "
            + $"{_clock.Elapsed.TotalSeconds:0} s, slowest seed {_slowestSeed} ({_slowest.TotalMilliseconds:0} ms)");
    }

    private void EndCase()
    {
        if (!_caseClock.IsRunning)
        {
            return;
        }

        _caseClock.Stop();
        int seed = unchecked(_next - 1);
        if (_caseClock.Elapsed > _slowest)
        {
            (_slowest, _slowestSeed) = (_caseClock.Elapsed, seed);
        }

        if (_caseClock.Elapsed > SlowCase)
        {
            _slow.Add($"seed {seed}: took {_caseClock.Elapsed.TotalSeconds:0.0} s (a case may take {SlowCase.TotalSeconds:0} s)");
        }
    }
}
