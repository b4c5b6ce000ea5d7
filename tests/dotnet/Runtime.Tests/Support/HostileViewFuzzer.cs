// Random hostile views over guarded memory: every field drawn from values that break things (zero,
// negative and huge shapes, strides near 2**62, unaligned and overlapping strides, suboffsets that
// point at pointer tables, NULL, unknown addresses or garbage, buf outside its block, lying len and
// itemsize). The verifier must refuse or accept without throwing anything else; an accepted view
// must read exactly what the reference walker reads; and, verified or not, the core's consumers
// (ArrayView, ViewCopier, ValueComparison) may only throw BufferException. The guard pages turn
// any access outside the supplied blocks into a crash, which scripts/fuzz reports with its seed.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NewBuffer.Views;

namespace NewBuffer.Tests.Support;

internal static class HostileViewFuzzer
{
    private const long SmallEnough = 100_000;

    private static readonly long[] Huge = [1L << 31, 1L << 40, 1L << 62, long.MaxValue, (1L << 62) + 1];
    private static readonly BufferFlags[] Requests = [BufferFlags.FullRO, BufferFlags.Full, BufferFlags.RecordsRO, BufferFlags.Simple, BufferFlags.ND, BufferFlags.CContiguous, BufferFlags.AnyContiguous];
    private static readonly string[] Formats = ["B", "b", "h", "i", "q", "d", "3s", "2i", "y", "", "<Q", "P"];

    /// <summary>Runs the case for <paramref name="seed"/>; throws <see cref="FuzzFailure"/> on anything but clean refusals and correct reads.</summary>
    public static void RunCase(int seed)
    {
        var random = new Random(seed);
        using var arena = new GuardedArena();
        BufferView view = RandomView(random, arena, out string description);
        BufferFlags flags = Requests[random.Next(Requests.Length)];
        try
        {
            if (ViewVerifier.TryVerify(view, flags, "memoryview", out VerifiedView verified, out _))
            {
                CheckAccepted(random, ArrayView.From(verified), flags);
            }

            ViewLayout? layout = UnverifiedLayout.TryRead(view);
            if (layout is not null)
            {
                Consume(random, new ArrayView(view.Buf, layout, view.Format ?? "B", view.ReadOnly), allowWrites: true);
            }

            arena.AssertIntact();
        }
        catch (Exception e)
        {
            throw new FuzzFailure(seed, $"{description} flags={flags}", e);
        }
    }

    private static BufferView RandomView(Random random, GuardedArena arena, out string description)
    {
        var main = arena.Allocate(RandomViews.Fill(random, random.Next(4) == 0 ? random.Next(0, 400) : random.Next(0, 64)));
        var blocks = new List<MemoryBlock> { main };
        for (int i = random.Next(3); i > 0; i--)
        {
            blocks.Add(arena.Allocate(RandomViews.Fill(random, random.Next(0, 48))));
        }

        // Pointers anywhere in the main block: into any block (or past its end), NULL, unknown or left as garbage.
        int pointers = main.Length >= 8 ? random.Next(0, (int)(main.Length / 8) + 1) : 0;
        for (int i = 0; i < pointers; i++)
        {
            long at = random.Next(2) == 0 ? i * 8 : random.Next(0, (int)main.Length - 7);
            MemoryBlock target = blocks[random.Next(blocks.Count)];
            switch (random.Next(6))
            {
                case 0:
                    BitConverter.TryWriteBytes(main.At(0).Slice(main.Length).Slice((int)at), 0L);
                    break;
                case 1:
                    BitConverter.TryWriteBytes(main.At(0).Slice(main.Length).Slice((int)at), CorpusCase.UnknownAddress);
                    break;
                default:
                    MemoryRegistry.WritePointer(main.At(at), target.At(random.Next(-4, (int)target.Length + 4)));
                    break;
            }
        }

        int ndim = random.Next(20) == 0 ? 65 : random.Next(0, 5);
        long itemSize = random.Next(10) switch
        {
            0 => random.Next(-2, 1),
            1 => Huge[random.Next(Huge.Length)],
            _ => new long[] { 1, 2, 3, 4, 8, 16 }[random.Next(6)],
        };
        long[] shape = Enumerable.Range(0, ndim).Select(_ => random.Next(12) switch
        {
            0 => -random.Next(1, 3),
            1 => Huge[random.Next(Huge.Length)],
            2 => 0,
            _ => (long)random.Next(1, 6),
        }).ToArray();
        long[] strides = Enumerable.Range(0, ndim).Select(d => random.Next(10) switch
        {
            0 => Huge[random.Next(Huge.Length)] * (random.Next(2) == 0 ? 1 : -1),
            1 => 0,
            2 => random.Next(-50, 51),
            3 => MemoryRegistry.PointerSize * (random.Next(2) == 0 ? 1 : -1),
            _ => Math.Max(itemSize, 1) * random.Next(-3, 4),
        }).ToArray();
        long[]? suboffsets = random.Next(3) == 0
            ? Enumerable.Range(0, ndim).Select(_ => random.Next(3) == 0 ? random.Next(0, 24) : -1L).ToArray()
            : null;
        Int128 product = itemSize;
        foreach (long n in shape)
        {
            product = Int128.Clamp(product * n, long.MinValue, long.MaxValue);
        }

        long len = random.Next(8) == 0 || product == long.MaxValue ? random.Next(-1, 100) : (long)product;
        BufferPointer buf = random.Next(12) == 0 ? default : blocks[random.Next(2) == 0 ? 0 : random.Next(blocks.Count)].At(random.Next(-8, (int)main.Length + 8));
        string format = random.Next(4) == 0 ? Formats[random.Next(Formats.Length)] : ItemFormat(itemSize);
        var view = BufferView.Create(
            null,
            buf,
            len,
            itemSize,
            readOnly: random.Next(3) == 0,
            ndim: random.Next(15) == 0 ? ndim + 1 : ndim,
            format: random.Next(10) == 0 ? null : format,
            shape: random.Next(15) == 0 ? null : shape,
            strides: random.Next(8) == 0 ? null : strides,
            suboffsets: suboffsets);
        description = string.Create(CultureInfo.InvariantCulture, $"itemsize={itemSize} len={len} ndim={view.NDim} shape=[{string.Join(",", view.Shape.ToArray())}] "
            + $"strides=[{string.Join(",", view.Strides.ToArray())}] suboffsets=[{string.Join(",", view.Suboffsets.ToArray())}] format={view.Format} buf={buf.Offset}");
        return view;
    }

    /// <summary>An accepted view reads what the reference walker reads, through every operation.</summary>
    private static void CheckAccepted(Random random, ArrayView view, BufferFlags flags)
    {
        ViewLayout layout = view.Layout;
        if (layout.ItemCount <= SmallEnough && layout.ByteLength <= SmallEnough * 16)
        {
            foreach (Order order in new[] { Order.C, Order.Fortran })
            {
                byte[] expected = Reference.ToBytes(view.Buf, layout, order);
                if (!view.ToBytes(order).AsSpan().SequenceEqual(expected))
                {
                    throw new InvalidOperationException($"tobytes({order}) of an accepted view differs from the reference walker");
                }
            }
        }

        Consume(random, view, allowWrites: flags.WantsWritable());
    }

    /// <summary>Every consumer operation on <paramref name="view"/>: only BufferException may come out.</summary>
    private static void Consume(Random random, ArrayView view, bool allowWrites)
    {
        ViewLayout layout = view.Layout;
        bool small = layout.ItemCount <= SmallEnough;
        var attempts = new List<Action>();

        // Copies of a gigabyte of zero-stride items would only measure the machine; a size beyond
        // one array must be refused (MemoryError), so those are tried too.
        if (layout.ByteLength <= SmallEnough * 16 || layout.ByteLength > Array.MaxLength)
        {
            attempts.Add(() => view.ToBytes(Order.C));
            attempts.Add(() => view.ToBytes(Order.Fortran));
            attempts.Add(() => view.ToBytes(Order.Any));
            attempts.Add(() => view.Cast("B", null).ToBytes());
        }

        if (small || layout.ItemCount > Array.MaxLength)
        {
            attempts.Add(() => view.ToList(ClrValueBoxer.Instance, items => items));
        }

        if (small)
        {
            attempts.Add(() => ValueComparison.ValueEquals(view, view));
        }

        if (layout.NDim > 0 && layout.Shape[0] > 0)
        {
            long[] index = layout.Shape.ToArray().Select(n => n > 0 ? random.NextInt64(n) : 0).ToArray();
            attempts.Add(() => view.GetItem(index));
            attempts.Add(() => view.Take(random.Next(layout.NDim), -1).ToBytes(Order.Fortran));
            long count = Slicing.Adjust(layout.Shape[0], null, null, -2, out long first, out long stride);
            attempts.Add(() => view.Slice(0, first, count, stride).ToBytes());
            if (allowWrites && layout.ByteLength <= SmallEnough)
            {
                attempts.Add(() => ViewCopier.FromContiguous(new byte[layout.ByteLength], view.Buf, layout, Order.Fortran));
                attempts.Add(() => view.SetItem(index, 1L));
            }
        }

        foreach (Action attempt in attempts)
        {
            try
            {
                attempt();
            }
            catch (BufferException)
            {
                // A clean refusal.
            }
        }
    }

    private static string ItemFormat(long itemSize) => itemSize switch
    {
        1 => "B",
        2 => "h",
        3 => "3s",
        4 => "i",
        8 => "d",
        16 => "2q",
        _ => "B",
    };
}
