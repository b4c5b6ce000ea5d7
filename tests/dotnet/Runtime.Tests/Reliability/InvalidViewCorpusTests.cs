using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Reliability;

/// <summary>The shared invalid-view corpus against the core's consumers, over guarded memory on either edge.</summary>
[TestFixture]
public class InvalidViewCorpusTests
{
    public static IEnumerable<TestCaseData> InvalidCases() => Cases(c => !c.Accepted);

    public static IEnumerable<TestCaseData> AcceptedCases() => Cases(c => c.Accepted);

    public static IEnumerable<TestCaseData> AllCases() => Cases(_ => true);

    [Test]
    public void Corpus_EveryVerifierRule_HasACase()
    {
        var covered = InvalidViewCorpus.CoreCases.Where(c => c.Rule is not null).Select(c => c.Rule!).ToHashSet();

        Assert.That(Enum.GetNames<ViewRule>().Where(r => !covered.Contains(r)), Is.Empty);
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void TryVerify_InvalidCorpusView_ReportsItsRuleAndMessage(CorpusCase c, GuardedMemory.Align align)
    {
        using var arena = new GuardedArena(align);
        BufferView view = c.Build(arena);

        bool verified = ViewVerifier.TryVerify(view, c.Flags, "memoryview", out _, out ViewError? error);

        Assert.That(verified, Is.False);
        Assert.That((error!.Rule.ToString(), error.Kind, error.Message), Is.EqualTo((c.Rule, c.Kind, "memoryview: " + c.Message)));
        arena.AssertIntact();
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Acquire_InvalidCorpusView_ReleasesTheExportOnceAndThrows(CorpusCase c, GuardedMemory.Align align)
    {
        using var arena = new GuardedArena(align);
        BufferView answer = c.Build(arena);
        var exporter = new TestExporter((view, _) => view.CopyLayoutFrom(answer));

        var error = Assert.Throws<InvalidViewException>(() => ViewVerifier.Acquire(exporter, c.Flags, "ndarray", out _));

        Assert.That(error!.Message, Is.EqualTo("ndarray: " + c.Message));
        Assert.That((exporter.Gets, exporter.Releases), Is.EqualTo((1, 1)));
    }

    [TestCaseSource(nameof(AcceptedCases))]
    public void Operations_AcceptedCorpusView_BehaveAsListed(CorpusCase c, GuardedMemory.Align align)
    {
        using var arena = new GuardedArena(align);
        BufferView view = c.Build(arena);
        ArrayView array = ArrayView.From(ViewVerifier.Verify(view, c.Flags, "memoryview"));

        foreach ((string op, JsonNode? argument, JsonNode? expected) in c.Ops)
        {
            object? result = null;
            BufferException? error = null;
            try
            {
                result = Run(array, op, argument);
            }
            catch (BufferException e)
            {
                error = e;
            }

            string step = $"{op}({argument?.ToJsonString()})";
            if (expected is JsonObject failure)
            {
                Assert.That(error, Is.Not.Null, $"{step} should fail");
                Assert.That(error!.Kind, Is.EqualTo(CorpusCase.KindOf((string)failure["error"]!)), step);
                Assert.That(error.Message, Does.Contain((string)failure["message"]!), step);
                continue;
            }

            Assert.That(error, Is.Null, $"{step} failed: {error?.Message}");
            if (op == "tobytes")
            {
                Order order = ParseOrder((string)argument!);
                Assert.That(result, Is.EqualTo(Reference.ToBytes(array.Buf, array.Layout, array.Layout.Resolve(order))), step);
            }
            else if (op == "tolist" && expected is JsonArray items)
            {
                Assert.That(
                    Leaves(result).Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)),
                    Is.EqualTo(JsonLeaves(items).Select(n => (long)n!)),
                    step);
            }
            else if (op == "tolist")
            {
                Assert.That(Leaves(result).Count(), Is.EqualTo(array.Layout.ItemCount), step);
            }
            else if (expected is JsonValue value && value.TryGetValue(out long number))
            {
                Assert.That(Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(number), step);
            }
        }

        arena.AssertIntact();
    }

    /// <summary>The copier and ArrayView promise that even a view nobody verified fails with a BufferException, never a stray access.</summary>
    [TestCaseSource(nameof(AllCases))]
    public void Consumers_UnverifiedCorpusView_FailCleanlyInsideTheirMemory(CorpusCase c, GuardedMemory.Align align)
    {
        using var arena = new GuardedArena(align);
        BufferView view = c.Build(arena);
        ViewLayout? layout = UnverifiedLayout.TryRead(view);
        if (layout is null)
        {
            Assert.Pass("the fields do not form a layout; only the verifier can see this view");
        }

        var array = new ArrayView(view.Buf, layout, view.Format ?? "B", view.ReadOnly);
        var attempts = new List<(string Name, Action Run)>
        {
            ("ToArray C", () => ViewCopier.ToArray(view.Buf, layout, Order.C)),
            ("ToArray F", () => ViewCopier.ToArray(view.Buf, layout, Order.Fortran)),
            ("ToArray A", () => ViewCopier.ToArray(view.Buf, layout, Order.Any)),
            ("ToList", () => array.ToList(ClrValueBoxer.Instance, items => items)),
            ("Cast B", () => array.Cast("B", null).ToBytes()),
        };
        if (layout.ItemCount <= 1 << 20)
        {
            // Comparing a terabyte of zero-stride items would finish, in hours.
            attempts.Add(("ValueEquals", () => ValueComparison.ValueEquals(array, array)));
        }

        if (layout.NDim > 0 && layout.Shape[0] > 0)
        {
            attempts.Add(("GetItem first", () => array.GetItem(new long[layout.NDim])));
            attempts.Add(("GetItem last", () => array.GetItem(layout.Shape.ToArray().Select(n => Math.Max(n - 1, 0)).ToArray())));
            attempts.Add(("Take 0 ToBytes", () => array.Take(0, -1).ToBytes(Order.Fortran)));
            attempts.Add(("Slice reversed ToBytes", () => array.Slice(0, layout.Shape[0] - 1, layout.Shape[0], -1).ToBytes()));
        }

        if (layout.ByteLength <= 1 << 16)
        {
            byte[] source = Enumerable.Range(0, (int)layout.ByteLength).Select(i => (byte)(0x40 ^ i)).ToArray();
            attempts.Add(("FromContiguous C", () => ViewCopier.FromContiguous(source, view.Buf, layout, Order.C)));
            attempts.Add(("FromContiguous F", () => ViewCopier.FromContiguous(source, view.Buf, layout, Order.Fortran)));
            attempts.Add(("Copy onto itself", () => ViewCopier.Copy(view.Buf, layout, view.Buf, layout)));
        }

        foreach ((string name, Action run) in attempts)
        {
            try
            {
                run();
            }
            catch (BufferException)
            {
                // A clean refusal.
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} threw {e.GetType().Name}: {e.Message}");
            }
        }

        arena.AssertIntact();
    }

    private static IEnumerable<TestCaseData> Cases(Func<CorpusCase, bool> which) =>
        from c in InvalidViewCorpus.CoreCases.Where(which)
        from align in new[] { GuardedMemory.Align.End, GuardedMemory.Align.Start }
        select new TestCaseData(c, align).SetName($"{{m}}({c.Name}, guard at {align})");

    private static object? Run(ArrayView array, string op, JsonNode? argument) => op switch
    {
        "tobytes" => array.ToBytes(ParseOrder((string)argument!)),
        "tolist" => array.ToList(ClrValueBoxer.Instance, items => items),
        "getitem" => array.GetItem(Indices(argument)),
        "setitem" => Set(array, Indices(argument![0]), (long)argument[1]!),
        _ => throw new ArgumentException("unknown corpus operation " + op),
    };

    private static object? Set(ArrayView array, long[] indices, long value)
    {
        array.SetItem(indices, value);
        return null;
    }

    private static long[] Indices(JsonNode? node) => ((JsonArray)node!).Select(n => (long)n!).ToArray();

    private static Order ParseOrder(string order) => order switch
    {
        "C" => Order.C,
        "F" => Order.Fortran,
        _ => Order.Any,
    };

    private static IEnumerable<object?> Leaves(object? value) =>
        value is object?[] items ? items.SelectMany(Leaves) : [value];

    private static IEnumerable<JsonNode?> JsonLeaves(JsonNode? node) =>
        node is JsonArray items ? items.SelectMany(JsonLeaves) : [node];
}
