// Entry point: BenchmarkDotNet's switcher, so scripts/bench can pick benchmarks and exporters.
using BenchmarkDotNet.Running;

namespace NewBuffer.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
