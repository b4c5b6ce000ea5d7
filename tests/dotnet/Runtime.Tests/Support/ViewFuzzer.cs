// Random views over guarded memory, then a random sequence of operations - slice, take, cast,
// tobytes in each order, tolist, getitem, setitem, fill from bytes, compare - applied both to an
// ArrayView and to the ReferenceView model, comparing results after every step. A case is one seed:
// the same seed replays the same view and the same operations, so a failure reports its seed.
// Anything but agreement, a BufferException the model expects, or a clean result is a failure;
// the guard pages turn any stray read or write into a crash of the process, which the long runs
// of scripts/fuzz report with the seed they were on.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Views;

namespace NewBuffer.Tests.Support;

internal static class ViewFuzzer
{
    private static readonly Dictionary<long, string[]> s_formats = new()
    {
        [1] = ["B", "b", "c", "?", "<B", "x"],
        [2] = ["h", "H", "e", ">h", "2B"],
        [3] = ["3s", "bxb", "3c"],
        [4] = ["i", "I", "f", "<i", "!f", "2h"],
        [8] = ["q", "Q", "d", ">d", "ii", "8s"],
        [16] = ["2d", "4i", "16s", "qQ"],
    };

    private static readonly string[] s_castTargets = ["B", "b", "c", "h", "H", "i", "I", "q", "Q", "f", "d", "?", "@B", "e"];

    /// <summary>Runs the case for <paramref name="seed"/>; throws <see cref="FuzzFailure"/> when the view and the model disagree.</summary>
    public static void RunCase(int seed, int steps = 8)
    {
        var random = new Random(seed);
        var log = new StringBuilder();
        using var arena = new GuardedArena();
        RandomView v = RandomViews.Create(random, allowSuboffsets: true, maxNDim: 4, allocate: arena.AllocateArray, large: true);
        string format = Pick(random, s_formats[v.Layout.ItemSize]);
        var view = new ArrayView(v.Buf, v.Layout, format, readOnly: false);
        ReferenceView model = ReferenceView.Of(v);
        log.Append(CultureInfo.InvariantCulture, $"view shape=[{string.Join(",", v.Layout.Shape.ToArray())}] strides=[{string.Join(",", v.Layout.Strides.ToArray())}] "
            + $"suboffsets=[{string.Join(",", v.Layout.Suboffsets.ToArray())}] format={format}");
        try
        {
            for (int step = 0; step < steps; step++)
            {
                (view, model) = Step(random, view, model, log);
                arena.AssertIntact();
            }
        }
        catch (Exception e)
        {
            throw new FuzzFailure(seed, log.ToString(), e);
        }
    }

    private static (ArrayView, ReferenceView) Step(Random random, ArrayView view, ReferenceView model, StringBuilder log)
    {
        int ndim = model.Shape.Length;
        switch (random.Next(10))
        {
            case 0 when ndim > 0:
            {
                int dim = random.Next(ndim);
                long? start = random.Next(3) == 0 ? null : random.Next(-6, 7);
                long? stop = random.Next(3) == 0 ? null : random.Next(-6, 7);
                long step = random.Next(2) == 0 ? random.Next(1, 4) : -random.Next(1, 4);
                log.Append(CultureInfo.InvariantCulture, $"; slice dim {dim} [{start}:{stop}:{step}]");
                long count = Slicing.Adjust(model.Shape[dim], start, stop, step, out long first, out long stride);
                ArrayView sliced = view.Slice(dim, first, count, stride);
                return (sliced, model.Slice(dim, ReferenceView.SliceIndices(model.Shape[dim], start, stop, step)));
            }

            case 1 when ndim > 0 && model.Shape.Any(n => n > 0):
            {
                int dim = Enumerable.Range(0, ndim).Where(d => model.Shape[d] > 0).ElementAt(random.Next(model.Shape.Count(n => n > 0)));
                long index = random.Next((int)model.Shape[dim]) - (random.Next(2) == 0 ? model.Shape[dim] : 0);
                log.Append(CultureInfo.InvariantCulture, $"; take dim {dim} [{index}]");
                try
                {
                    return (view.Take(dim, index), model.Take(dim, index));
                }
                catch (BufferException e) when (e.Kind == BufferErrorKind.NotImplemented && model.Indirect)
                {
                    return (view, model); // two consecutive indirect dimensions: documented limit
                }
            }

            case 2:
                return Cast(random, view, model, log);
            case 3:
            {
                Order order = Pick(random, [Order.C, Order.Fortran, Order.Any]);
                log.Append(CultureInfo.InvariantCulture, $"; tobytes {order}");
                Order resolved = order != Order.Any ? order
                    : model.IsContiguous(Order.Fortran) && !model.IsContiguous(Order.C) ? Order.Fortran : Order.C;
                Expect(view.ToBytes(order).AsSpan().SequenceEqual(model.ToBytes(resolved)), "tobytes differs from the model");
                return (view, model);
            }

            case 4:
            {
                log.Append("; tolist");
                object? list = view.ToList(ClrValueBoxer.Instance, items => items);
                StructFormat format = view.RequireItemFormat();
                object? expected = model.Shape.Length == 0
                    ? format.UnpackValue(model.Item([]))
                    : Nest(model, format, [], 0);
                Expect(SameValue(list, expected), "tolist differs from the model");
                return (view, model);
            }

            case 5 when model.Count > 0:
            {
                long[] index = RandomIndex(random, model);
                log.Append(CultureInfo.InvariantCulture, $"; getitem [{string.Join(",", index)}]");
                Expect(view.Locate(index).Slice(model.ItemSize).SequenceEqual(model.Item(index)), "the item's bytes differ from the model");
                Expect(SameValue(view.GetItem(index), view.RequireItemFormat().UnpackValue(model.Item(index))), "getitem differs from the model");
                return (view, model);
            }

            case 6 when model.Count > 0 && view.RequireItemFormat().Single?.Kind is FormatValueKind.SignedInteger or FormatValueKind.UnsignedInteger:
            {
                long[] index = RandomIndex(random, model);
                var bytes = new byte[model.ItemSize];
                random.NextBytes(bytes);
                object? value = view.RequireItemFormat().UnpackValue(bytes);
                log.Append(CultureInfo.InvariantCulture, $"; setitem [{string.Join(",", index)}] = {value}");
                view.SetItem(index, value);
                Expect(model.Item(index).AsSpan().SequenceEqual(bytes), "setitem wrote other bytes than the model reads back");
                return (view, model);
            }

            case 7:
                return Fill(random, view, model, log);
            case 8:
            {
                log.Append("; compare with a contiguous copy");
                byte[] copy = model.ToBytes(Order.C);
                var other = new ArrayView(new ManagedMemoryBlock(copy).At(0), ViewLayout.Contiguous(model.ItemSize, model.Shape), view.Format, true);
                StructFormat format = view.RequireItemFormat();
                bool hasNaN = ReferenceView.Indices(model.Shape, Order.C).Any(i => HasNaN(format.UnpackValue(model.Item(i))));
                Expect(ValueComparison.ValueEquals(view, other) == !hasNaN, "comparison with a copy of the same items");
                return (view, model);
            }

            default:
                return (view, model);
        }
    }

    private static (ArrayView, ReferenceView) Cast(Random random, ArrayView view, ReferenceView model, StringBuilder log)
    {
        string target = Pick(random, s_castTargets);
        long itemSize = StructFormat.CalcSize(target);
        long bytes = model.Count * model.ItemSize;
        long[]? shape = null;
        if (random.Next(2) == 0 && bytes % itemSize == 0 && bytes > 0)
        {
            shape = Factor(random, bytes / itemSize);
        }

        log.Append(CultureInfo.InvariantCulture, $"; cast '{target}' shape=[{(shape is null ? "None" : string.Join(",", shape))}]");
        bool byteSource = view.ItemFormat is { IsNativeSingleCharacter: true, Single.Code: 'B' or 'b' or 'c' };
        bool byteTarget = target.TrimStart('@') is "B" or "b" or "c";
        bool zeros = model.Shape.Contains(0) || view.Layout.Strides.Contains(0);
        // CPython's memoryview flags (init_flags) decide: a scalar is C-contiguous; one dimension is when its
        // stride is the itemsize or it has one item, however many bytes it spans (an empty m[::2] is not);
        // more dimensions follow the element positions.
        bool cContiguous = model.Shape.Length switch
        {
            0 => true,
            1 => !view.Layout.HasSuboffsets && (model.Shape[0] == 1 || view.Layout.Strides[0] == model.ItemSize),
            _ => model.IsContiguous(Order.C),
        };
        bool allowed = cContiguous
            && !((shape is not null || model.Shape.Length != 1) && zeros)
            && !(shape is not null && model.Shape.Length != 1 && shape.Length != 1)
            && (byteSource || byteTarget)
            && bytes % itemSize == 0;
        ArrayView cast;
        try
        {
            cast = view.Cast(target, shape);
        }
        catch (BufferException e) when (!allowed && e.Kind is BufferErrorKind.Type or BufferErrorKind.Value)
        {
            return (view, model);
        }

        Expect(allowed, "cast succeeded where the model forbids it");
        return (cast, model.Count == 0 ? new ReferenceView(cast.Layout.Shape.ToArray(), itemSize, [], false) : model.Cast(itemSize, cast.Layout.Shape.ToArray()));
    }

    private static (ArrayView, ReferenceView) Fill(Random random, ArrayView view, ReferenceView model, StringBuilder log)
    {
        Order order = Pick(random, [Order.C, Order.Fortran]);
        log.Append(CultureInfo.InvariantCulture, $"; fill from bytes in {order} order");
        var source = new byte[model.Count * model.ItemSize];
        random.NextBytes(source);

        // The model writes item after item in the given order, on copies of the blocks, so aliased
        // items (zero strides, overlapping rows) end with the last write, as a sequential copy leaves them.
        var expected = new Dictionary<MemoryBlock, byte[]>();
        long k = 0;
        foreach (long[] index in ReferenceView.Indices(model.Shape, order))
        {
            (MemoryBlock block, long offset) = model.Element(index);
            if (!expected.TryGetValue(block, out byte[]? copy))
            {
                expected[block] = copy = block.At(0).Slice(block.Length).ToArray();
            }

            source.AsSpan((int)(k++ * model.ItemSize), (int)model.ItemSize).CopyTo(copy.AsSpan((int)offset));
        }

        ViewCopier.FromContiguous(source, view.Buf, view.Layout, order);
        foreach ((MemoryBlock block, byte[] copy) in expected)
        {
            Expect(block.At(0).Slice(block.Length).SequenceEqual(copy), "fill left other bytes than the model");
        }

        return (view, model);
    }

    private static object?[] Nest(ReferenceView model, StructFormat format, long[] prefix, int dim)
    {
        var items = new object?[model.Shape[dim]];
        for (long i = 0; i < items.Length; i++)
        {
            long[] index = [.. prefix, i];
            items[i] = dim == model.Shape.Length - 1 ? format.UnpackValue(model.Item(index)) : Nest(model, format, index, dim + 1);
        }

        return items;
    }

    private static bool SameValue(object? x, object? y) => (x, y) switch
    {
        (object?[] a, object?[] b) => a.Length == b.Length && a.Zip(b).All(p => SameValue(p.First, p.Second)),
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        _ => Equals(x, y), // double.Equals: NaN equals NaN, which is what "same item" means here
    };

    private static bool HasNaN(object? value) => value switch
    {
        double d => double.IsNaN(d),
        object?[] items => items.Any(HasNaN),
        _ => false,
    };

    private static long[] RandomIndex(Random random, ReferenceView model) =>
        model.Shape.Select(n => random.NextInt64(n) - (random.Next(2) == 0 ? n : 0)).Select((i, d) => i < 0 ? i + model.Shape[d] : i).ToArray();

    private static long[] Factor(Random random, long count)
    {
        var shape = new List<long>();
        long rest = count;
        while (rest > 1 && shape.Count < 3 && random.Next(3) != 0)
        {
            long[] divisors = Enumerable.Range(2, (int)Math.Min(rest, 8) - 1).Select(d => (long)d).Where(d => rest % d == 0).ToArray();
            if (divisors.Length == 0)
            {
                break;
            }

            long d = Pick(random, divisors);
            shape.Add(d);
            rest /= d;
        }

        shape.Add(rest);
        return shape.ToArray();
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }
}
