using System;
using System.Linq;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Views;
using NUnit.Framework;
using FsCheckProperty = FsCheck.NUnit.PropertyAttribute;

namespace NewBuffer.Tests.Views;

[TestFixture]
public class ValueComparisonTests
{
    private static ArrayView View(string format, params object[] values)
    {
        StructFormat f = StructFormat.Parse(format);
        var bytes = new byte[f.Size * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            f.PackValue(bytes.AsSpan((int)(i * f.Size), (int)f.Size), values[i]);
        }

        return new ArrayView(new ManagedMemoryBlock(bytes).At(0), ViewLayout.Contiguous(f.Size, [values.Length]), format, true);
    }

    [Test]
    public void ValueEquals_IntsAndDoubles_ComparedAsNumbers()
    {
        Assert.That(ValueComparison.ValueEquals(View("i", 1L, -2L), View("d", 1.0, -2.0)), Is.True);
        Assert.That(ValueComparison.ValueEquals(View("B", 255L), View("b", -1L)), Is.False);
        Assert.That(ValueComparison.ValueEquals(View("Q", ulong.MaxValue), View("q", -1L)), Is.False);
        Assert.That(ValueComparison.ValueEquals(View("?", true), View("B", 1L)), Is.True);
        Assert.That(ValueComparison.ValueEquals(View("d", 0.5), View("i", 0L)), Is.False);
    }

    [Test]
    public void ValueEquals_ShapesEqualUpToTheirFirstZero_Equal()
    {
        // memoryview(ndarray([1], shape=[1, 0, 5])) == memoryview(ndarray([1], shape=[1, 0, 7])) in CPython.
        var block = new ManagedMemoryBlock(new byte[1]);
        var a = new ArrayView(block.At(0), ViewLayout.Contiguous(1, [1, 0, 5]), "B", true);
        var b = new ArrayView(block.At(0), ViewLayout.Contiguous(1, [1, 0, 7]), "B", true);

        Assert.That(ValueComparison.ValueEquals(a, b), Is.True);
    }

    [Test]
    public void ValueEquals_Nan_NeverEqual()
    {
        ArrayView nan = View("d", double.NaN);
        Assert.That(ValueComparison.ValueEquals(nan, nan), Is.False);
    }

    [Test]
    public void ValueEquals_LargeIntegerAgainstRoundedDouble_ExactlyAsPython()
    {
        // 2**53 + 1 == float(2**53 + 1) is False in Python: the float is 2**53.
        long big = (1L << 53) + 1;
        Assert.That(ValueComparison.ValueEquals(View("q", big), View("d", (double)big)), Is.False);
        Assert.That(ValueComparison.ValueEquals(View("q", 1L << 53), View("d", (double)(1L << 53))), Is.True);
    }

    [Test]
    public void ValueEquals_MultiValueFormats_ComparedAsTuples()
    {
        var a = new ArrayView(new ManagedMemoryBlock([1, 0, 2, 0]).At(0), ViewLayout.Contiguous(4, [1]), "<hh", true);
        var b = new ArrayView(new ManagedMemoryBlock([0, 1, 0, 2]).At(0), ViewLayout.Contiguous(4, [1]), ">hh", true);
        Assert.That(ValueComparison.ValueEquals(a, b), Is.True);
    }

    [Test]
    public void ValueEquals_UnreadableFormat_IsUnknown()
    {
        var a = new ArrayView(new ManagedMemoryBlock([1]).At(0), ViewLayout.Contiguous(1, [1]), "T{b}", true);
        Assert.That(ValueComparison.ValueEquals(a, a), Is.Null);
    }

    [FsCheckProperty(MaxTest = 500)]
    public void Number_IntegerAgainstDouble_MatchesBoxedPath(long integer, double value)
    {
        bool numeric = Number.Signed(integer).ValueEquals(Number.Float(value));
        Assert.That(numeric, Is.EqualTo(ValueComparison.ItemsEqual(integer, value)));
        Assert.That(Number.Signed(integer).ValueEquals(Number.Float(integer)), Is.EqualTo(ValueComparison.ItemsEqual(integer, (double)integer)));
    }
}
