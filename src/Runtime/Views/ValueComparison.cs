// Equality of two views by value, as CPython's memory_richcompare: equivalent shapes, then every pair
// of items unpacked and compared as values, so formats may differ ('B' 1 equals 'd' 1.0), NaN is
// never equal to itself, and any struct format works through the codec. When a format cannot be
// read the answer is "unknown" (CPython falls back to identity).
using System;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;

namespace NewBuffer.Views;

/// <summary>Compares views item by item.</summary>
public static class ValueComparison
{
    /// <summary>True or false when both formats can be read; null when either cannot.</summary>
    public static bool? ValueEquals(ArrayView left, ArrayView right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (!ViewLayout.EquivalentShape(left.Layout.Shape, right.Layout.Shape))
        {
            return false;
        }

        StructFormat? a = left.ItemFormat, b = right.ItemFormat;
        if (a is null || b is null)
        {
            return null;
        }

        if (left.Layout.ItemCount == 0)
        {
            return true;
        }

        if (a.Text == b.Text && IsBytewise(a) && left.Layout.IsCContiguous && right.Layout.IsCContiguous)
        {
            return left.Buf.SequenceEqual(right.Buf, left.Layout.ByteLength);
        }

        var l = new RowCursor(left.Buf, left.Layout);
        var r = new RowCursor(right.Buf, right.Layout);
        if (a.Single is { IsNumber: true } leftCode && b.Single is { IsNumber: true } rightCode)
        {
            return NumbersEqual(l, leftCode, a.LittleEndian, left.Layout.ItemSize, r, rightCode, b.LittleEndian, right.Layout.ItemSize);
        }

        while (l.MoveNext() && r.MoveNext())
        {
            for (long k = 0; k < l.RowLength; k++)
            {
                object? x = a.UnpackValue(l.Element(l.Current, k).Slice(left.Layout.ItemSize));
                object? y = b.UnpackValue(r.Element(r.Current, k).Slice(right.Layout.ItemSize));
                if (!ItemsEqual(x, y))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Numeric single-code formats, the common case: no boxing per item.
    private static bool NumbersEqual(RowCursor l, FormatCode x, bool xLittle, long xSize, RowCursor r, FormatCode y, bool yLittle, long ySize)
    {
        while (l.MoveNext() && r.MoveNext())
        {
            for (long k = 0; k < l.RowLength; k++)
            {
                x.TryReadNumber(l.Element(l.Current, k).Slice(xSize), xLittle, out Number p);
                y.TryReadNumber(r.Element(r.Current, k).Slice(ySize), yLittle, out Number q);
                if (!p.ValueEquals(q))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Python's == on two unpacked items (numbers across types, bytes, tuples).</summary>
    public static bool ItemsEqual(object? x, object? y)
    {
        switch (x, y)
        {
            case (byte[] p, byte[] q):
                return p.AsSpan().SequenceEqual(q);
            case (object?[] p, object?[] q):
                if (p.Length != q.Length)
                {
                    return false;
                }

                for (int i = 0; i < p.Length; i++)
                {
                    if (!ItemsEqual(p[i], q[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (double p, double q):
                return p == q;
            case (double p, _) when IsInteger(y):
                return p == ToDouble(y!) && !double.IsInfinity(p) && (decimal)p == ToDecimal(y!);
            case (_, double q) when IsInteger(x):
                return ItemsEqual(q, x);
            case var _ when IsInteger(x) && IsInteger(y):
                return ToDecimal(x!) == ToDecimal(y!);
            default:
                return Equals(x, y);
        }
    }

    private static bool IsInteger(object? value) => value is long or ulong or bool;

    private static double ToDouble(object value) => value switch
    {
        long l => l,
        ulong u => u,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    private static decimal ToDecimal(object value) => value switch
    {
        long l => l,
        ulong u => u,
        bool b => b ? 1 : 0,
        _ => 0,
    };

    // Integer and char formats: equal bytes mean equal values (bool '?' does not: 2 and 1 are both True).
    private static bool IsBytewise(StructFormat format) =>
        format.Single?.Kind is FormatValueKind.SignedInteger or FormatValueKind.UnsignedInteger or FormatValueKind.Char;
}
