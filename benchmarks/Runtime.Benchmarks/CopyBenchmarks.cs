// Copying a view out, against the hand-written baselines the issue names: Buffer.MemoryCopy for a
// contiguous 64 MiB view, and a straightforward blocked transpose for a 2048x2048 float64 view
// seen in Fortran order (its transpose). Ratios are against the baseline in the same run.
using System;
using BenchmarkDotNet.Attributes;
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Benchmarks;

[MemoryDiagnoser]
public class ContiguousCopyBenchmarks
{
    private const int Size = 64 << 20;
    private readonly byte[] _source = new byte[Size];
    private readonly byte[] _target = new byte[Size];
    private BufferPointer _buf;
    private ViewLayout _layout = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_source);
        _buf = new ManagedMemoryBlock(_source).At(0);
        _layout = ViewLayout.Contiguous(1, [Size]);
    }

    [Benchmark(Baseline = true, Description = "Buffer.MemoryCopy 64 MiB")]
    public unsafe void MemoryCopy()
    {
        fixed (byte* s = _source, t = _target)
        {
            Buffer.MemoryCopy(s, t, Size, Size);
        }
    }

    [Benchmark(Description = "ViewCopier.ToContiguous 64 MiB")]
    public void ToContiguous() => ViewCopier.ToContiguous(_buf, _layout, _target, Order.C);
}

[MemoryDiagnoser]
public class TransposedCopyBenchmarks
{
    private const int N = 2048;
    private readonly double[] _source = new double[N * N];
    private readonly double[] _target = new double[N * N];
    private readonly byte[] _targetBytes = new byte[N * N * 8];
    private BufferPointer _buf;
    private ViewLayout _transposed = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < _source.Length; i++)
        {
            _source[i] = i;
        }

        byte[] bytes = new byte[N * N * 8];
        Buffer.BlockCopy(_source, 0, bytes, 0, bytes.Length);
        _buf = new ManagedMemoryBlock(bytes).At(0);
        _transposed = new ViewLayout(8, [N, N], [8, N * 8]);
    }

    [Benchmark(Baseline = true, Description = "blocked transpose 2048x2048 f64 (C#, 32x32 tiles)")]
    public void BlockedTranspose()
    {
        const int tile = 32;
        for (int i0 = 0; i0 < N; i0 += tile)
        {
            for (int j0 = 0; j0 < N; j0 += tile)
            {
                for (int i = i0; i < i0 + tile; i++)
                {
                    for (int j = j0; j < j0 + tile; j++)
                    {
                        _target[(i * N) + j] = _source[(j * N) + i];
                    }
                }
            }
        }
    }

    [Benchmark(Description = "ViewCopier.ToContiguous C order of the transpose")]
    public void ToContiguousTransposed() => ViewCopier.ToContiguous(_buf, _transposed, _targetBytes, Order.C);
}

// A column of a matrix kept as a 2-d view ([N, 1]) describes the same elements as the 1-d column
// ([N]); copying it should cost the same, not N trips through the row walker.
[MemoryDiagnoser]
public class OneItemRowsBenchmarks
{
    private const int N = 1 << 22;
    private readonly byte[] _target = new byte[N * 4];
    private BufferPointer _buf;
    private ViewLayout _column = null!;
    private ViewLayout _columnOfRows = null!;

    [GlobalSetup]
    public void Setup()
    {
        var bytes = new byte[N * 8];
        new Random(1).NextBytes(bytes);
        _buf = new ManagedMemoryBlock(bytes).At(0);
        _column = new ViewLayout(4, [N], [8]);
        _columnOfRows = new ViewLayout(4, [N, 1], [8, 4]);
    }

    [Benchmark(Baseline = true, Description = "ViewCopier.ToContiguous 4M-item int32 column, 1-d")]
    public void Column() => ViewCopier.ToContiguous(_buf, _column, _target, Order.C);

    [Benchmark(Description = "ViewCopier.ToContiguous the same column as 4M rows of one item")]
    public void ColumnOfRows() => ViewCopier.ToContiguous(_buf, _columnOfRows, _target, Order.C);
}
