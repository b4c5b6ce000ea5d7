// Random struct format strings checked against CPython's struct module: the size and value count
// of a format, or its error message, must be what CPython 3.13 says. The answers come from
// Format/struct_oracle.py, either live (a CPython 3.13 subprocess, when the machine has one) or from
// the table it wrote once (Format/cpython_random_formats.txt), so the suite checks the parser
// everywhere and the fuzzer explores new formats where CPython is at hand.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NewBuffer.Format;
using NewBuffer.Protocol;

namespace NewBuffer.Tests.Support;

internal static class FormatFuzzer
{
    private const string Codes = "xcbB?hHiIlLqQnNefdspP";
    private const string Odd = "yZ$T{}():&-+.w@=<>!";
    private const string Prefixes = "@=<>!";

    public static string OracleScript { get; } = Repository.PathOf("tests", "dotnet", "Runtime.Tests", "Format", "struct_oracle.py");

    public static string TablePath { get; } = Repository.PathOf("tests", "dotnet", "Runtime.Tests", "Format", "cpython_random_formats.txt");

    /// <summary>A random format: mostly valid items, with prefixes, counts, whitespace and mistakes mixed in.</summary>
    public static string RandomFormat(Random random)
    {
        var text = new StringBuilder();
        if (random.NextDouble() < 0.4)
        {
            text.Append(Prefixes[random.Next(Prefixes.Length)]);
        }

        int items = random.NextDouble() < 0.05 ? 0 : random.Next(1, 7);
        for (int i = 0; i < items; i++)
        {
            if (random.NextDouble() < 0.1)
            {
                text.Append(" \t\n"[random.Next(3)]);
            }

            if (random.NextDouble() < 0.4)
            {
                text.Append(RandomCount(random));
            }

            double r = random.NextDouble();
            text.Append(r switch
            {
                < 0.95 => Codes[random.Next(Codes.Length)],
                < 0.98 => Odd[random.Next(Odd.Length)],
                < 0.99 => "\u00e9\u00ff\u0080"[random.Next(3)],
                _ => '\0',
            });
        }

        if (random.NextDouble() < 0.05)
        {
            text.Append(RandomCount(random));
        }

        return text.ToString();
    }

    /// <summary>What our parser says, in the oracle's words: "SIZE COUNT" or "error MESSAGE".</summary>
    public static string OurAnswer(string format)
    {
        if (!StructFormat.TryParse(format, out StructFormat? parsed, out string? error))
        {
            string thrown = Throws(() => StructFormat.CalcSize(format)) ?? "CalcSize accepted it";
            return thrown == error ? "error " + error : $"TryParse says '{error}' but CalcSize '{thrown}'";
        }

        long size = StructFormat.CalcSize(format);
        if (size != parsed.Size)
        {
            return $"TryParse says size {parsed.Size} but CalcSize {size}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{parsed.Size} {(parsed.Size <= 4096 ? parsed.ValueCount : -1)}");
    }

    /// <summary>The committed table: (format, CPython's answer).</summary>
    public static IEnumerable<(string Format, string Answer)> Table() =>
        File.ReadLines(TablePath).Select(line => line.Split('\t')).Select(p => (Decode(p[0]), p[1]));

    /// <summary>CPython 3.13's answers for <paramref name="formats"/>, or null when no CPython 3.13 can be started.</summary>
    public static string[]? AskCPython(IReadOnlyList<string> formats)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("NEWBUFFER_CPYTHON") ?? "python3", [OracleScript])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PYENV_VERSION"] = Environment.GetEnvironmentVariable("PYENV_VERSION") ?? "3.13.0";
        if (!IsCPython313(start))
        {
            return null;
        }

        using Process process = Process.Start(start)!;
        var input = new StringBuilder();
        foreach (string format in formats)
        {
            input.Append(Encode(format)).Append('\n');
        }

        // Write and read concurrently so neither side blocks on a full pipe.
        var writer = System.Threading.Tasks.Task.Run(() =>
        {
            process.StandardInput.Write(input.ToString());
            process.StandardInput.Close();
        });
        string output = process.StandardOutput.ReadToEnd();
        writer.Wait();
        process.WaitForExit();
        string[] answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return answers.Length == formats.Count ? answers : throw new InvalidOperationException("the oracle answered " + answers.Length + " of " + formats.Count + ": " + process.StandardError.ReadToEnd());
    }

    public static string Encode(string format) => Convert.ToHexString(Encoding.Latin1.GetBytes(format)).ToLowerInvariant();

    private static string Decode(string hex) => Encoding.Latin1.GetString(Convert.FromHexString(hex));

    private static bool IsCPython313(ProcessStartInfo oracle)
    {
        var probe = new ProcessStartInfo(oracle.FileName, ["-c", "import sys, platform; print(platform.python_implementation(), sys.version_info[:2] == (3, 13))"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        probe.Environment["PYENV_VERSION"] = oracle.Environment["PYENV_VERSION"];
        try
        {
            using Process process = Process.Start(probe)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Trim() == "CPython True";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? Throws(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (BufferException e) when (e.Kind == BufferErrorKind.Struct)
        {
            return e.Message;
        }
    }

    private static string RandomCount(Random random)
    {
        double r = random.NextDouble();
        if (r < 0.7)
        {
            return random.Next(0, 21).ToString(CultureInfo.InvariantCulture);
        }

        if (r < 0.8)
        {
            return new string('0', random.Next(1, 4)) + random.Next(10).ToString(CultureInfo.InvariantCulture);
        }

        // 10 to 21 digits: around and beyond what a 64-bit size holds.
        var digits = new StringBuilder();
        digits.Append((char)('1' + random.Next(9)));
        int length = random.Next(9, 21);
        for (int i = 0; i < length; i++)
        {
            digits.Append((char)('0' + random.Next(10)));
        }

        return digits.ToString();
    }
}
