// The codec, verification and contiguity on their own: per-item unpacking of 1M doubles against a
// plain BitConverter loop, and verifying / classifying views against the cost of allocating one.
using System;
using BenchmarkDotNet.Attributes;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NewBuffer.Views;

namespace NewBuffer.Benchmarks;

[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int Count = 1 << 20;
    private readonly byte[] _data = new byte[Count * 8];
    private readonly StructFormat _double = StructFormat.Parse("d");

    [Benchmark(Baseline = true, Description = "BitConverter.ToDouble x1M (boxed)")]
    public object? BitConverterLoop()
    {
        object? last = null;
        for (int i = 0; i < Count; i++)
        {
            last = BitConverter.ToDouble(_data, i * 8);
        }

        return last;
    }

    [Benchmark(Description = "StructFormat.UnpackValue('d') x1M")]
    public object? CodecLoop()
    {
        object? last = null;
        ReadOnlySpan<byte> data = _data;
        for (int i = 0; i < Count; i++)
        {
            last = _double.UnpackValue(data.Slice(i * 8, 8));
        }

        return last;
    }

    [Benchmark(Description = "StructFormat.Parse (cached) x1M")]
    public long ParseCached()
    {
        long total = 0;
        for (int i = 0; i < Count; i++)
        {
            total += StructFormat.Parse("<2hd").Size;
        }

        return total;
    }
}

[MemoryDiagnoser]
public class VerificationBenchmarks
{
    private BufferView _view = null!;

    [GlobalSetup]
    public void Setup() =>
        _view = BufferView.Create(null, new ManagedMemoryBlock(new byte[8 * 64 * 64]).At(0), 8 * 64 * 64, 8, false, 3, "d", [4, 16, 64], [8 * 64 * 16, 8 * 64, 8], null);

    [Benchmark(Baseline = true, Description = "new ViewLayout (3-D)")]
    public ViewLayout Layout() => new(8, _view.Shape, _view.Strides);

    [Benchmark(Description = "ViewVerifier.Verify (3-D, FULL_RO)")]
    public VerifiedView Verify() => ViewVerifier.Verify(_view, BufferFlags.FullRO, "memoryview");
}

/// <summary>One request on a memoryview (what bytes(m) asks of the core): its answer, verified as a consumer
/// verifies it, and a cast; against the same answer verified in full (an exporter we did not build).</summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private ArrayView _view = null!;
    private BufferView _unvouched = null!;

    [GlobalSetup]
    public void Setup()
    {
        BufferView source = BufferView.Create(null, new ManagedMemoryBlock(new byte[64]).At(0), 64, 1, false, 1, "B", [64], [1], null);
        _view = ArrayView.From(ViewVerifier.Verify(source, BufferFlags.FullRO, "memoryview"));
        _unvouched = BufferView.Create(null, source.Buf, 64, 1, false, 1, "B", [64], [1], null);
    }

    [Benchmark(Baseline = true, Description = "full verification of a 1-D answer (FULL_RO)")]
    public VerifiedView Unvouched() => ViewVerifier.Verify(_unvouched, BufferFlags.FullRO, "memoryview");

    [Benchmark(Description = "ArrayView.Answer + verify, vouched (FULL_RO)")]
    public VerifiedView AnswerAndVerify()
    {
        var view = new BufferView();
        _view.Answer(view, null, BufferFlags.FullRO);
        return ViewVerifier.Verify(view, BufferFlags.FullRO, "memoryview");
    }

    [Benchmark(Description = "cast('B').cast('d') of 64 bytes")]
    public ArrayView CastChain() => _view.Cast("B", null).Cast("d", null);
}
