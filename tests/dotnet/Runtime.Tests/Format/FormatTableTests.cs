// Tests for the format table: the native rows follow this platform's C ABI, the standard rows are
// fixed and lack 'n', 'N', 'P', and lookups of anything else return null. Sizes and alignments
// here agree with CPython's calcsize table in StructFormatTests ("bi" == 8 means 'i' aligns to 4).
using System;
using NewBuffer.Format;
using NUnit.Framework;

namespace NewBuffer.Tests.Format;

[TestFixture]
public class FormatTableTests
{
    private static readonly int s_long = OperatingSystem.IsWindows() ? 4 : IntPtr.Size;

    [TestCase('x', 1, 1, FormatValueKind.Pad)]
    [TestCase('c', 1, 1, FormatValueKind.Char)]
    [TestCase('b', 1, 1, FormatValueKind.SignedInteger)]
    [TestCase('B', 1, 1, FormatValueKind.UnsignedInteger)]
    [TestCase('?', 1, 1, FormatValueKind.Bool)]
    [TestCase('h', 2, 2, FormatValueKind.SignedInteger)]
    [TestCase('H', 2, 2, FormatValueKind.UnsignedInteger)]
    [TestCase('i', 4, 4, FormatValueKind.SignedInteger)]
    [TestCase('I', 4, 4, FormatValueKind.UnsignedInteger)]
    [TestCase('q', 8, 8, FormatValueKind.SignedInteger)]
    [TestCase('Q', 8, 8, FormatValueKind.UnsignedInteger)]
    [TestCase('e', 2, 2, FormatValueKind.Float)]
    [TestCase('f', 4, 4, FormatValueKind.Float)]
    [TestCase('d', 8, 8, FormatValueKind.Float)]
    [TestCase('s', 1, 1, FormatValueKind.Bytes)]
    [TestCase('p', 1, 1, FormatValueKind.PascalBytes)]
    public void Find_NativeFixedCode_HasCAbiSizeAndAlignment(char code, int size, int alignment, FormatValueKind kind)
    {
        FormatCode row = FormatTable.Find(code, FormatMode.Native)!;

        Assert.That((row.Code, row.Size, row.Alignment, row.Kind), Is.EqualTo((code, size, alignment, kind)));
    }

    [TestCase('l', FormatValueKind.SignedInteger)]
    [TestCase('L', FormatValueKind.UnsignedInteger)]
    public void Find_NativeLong_IsFourBytesOnWindowsElsePointerSized(char code, FormatValueKind kind)
    {
        FormatCode row = FormatTable.Find(code, FormatMode.Native)!;

        Assert.That((row.Size, row.Alignment, row.Kind), Is.EqualTo((s_long, s_long, kind)));
    }

    [TestCase('n', FormatValueKind.SignedInteger)]
    [TestCase('N', FormatValueKind.UnsignedInteger)]
    [TestCase('P', FormatValueKind.Pointer)]
    public void Find_NativePointerSizedCode_IsIntPtrSized(char code, FormatValueKind kind)
    {
        FormatCode row = FormatTable.Find(code, FormatMode.Native)!;

        Assert.That((row.Size, row.Alignment, row.Kind), Is.EqualTo((IntPtr.Size, IntPtr.Size, kind)));
    }

    [TestCase('x', 1)]
    [TestCase('c', 1)]
    [TestCase('b', 1)]
    [TestCase('B', 1)]
    [TestCase('?', 1)]
    [TestCase('h', 2)]
    [TestCase('H', 2)]
    [TestCase('i', 4)]
    [TestCase('I', 4)]
    [TestCase('l', 4)]
    [TestCase('L', 4)]
    [TestCase('q', 8)]
    [TestCase('Q', 8)]
    [TestCase('e', 2)]
    [TestCase('f', 4)]
    [TestCase('d', 8)]
    [TestCase('s', 1)]
    [TestCase('p', 1)]
    public void Find_StandardCode_HasFixedSizeAndNoAlignment(char code, int size)
    {
        foreach (FormatMode mode in new[] { FormatMode.NativeOrderStandardSize, FormatMode.LittleEndian, FormatMode.BigEndian })
        {
            FormatCode row = FormatTable.Find(code, mode)!;
            Assert.That((row.Size, row.Alignment), Is.EqualTo((size, 1)), mode.ToString());
            Assert.That(row, Is.SameAs(FormatTable.Find(code, FormatMode.LittleEndian)));
        }
    }

    [TestCase('n')]
    [TestCase('N')]
    [TestCase('P')]
    public void Find_NativeOnlyCodeInStandardMode_ReturnsNull(char code)
    {
        Assert.That(FormatTable.Find(code, FormatMode.LittleEndian), Is.Null);
        Assert.That(FormatTable.Find(code, FormatMode.BigEndian), Is.Null);
        Assert.That(FormatTable.Find(code, FormatMode.NativeOrderStandardSize), Is.Null);
    }

    [TestCase('y')]
    [TestCase('@')]
    [TestCase('<')]
    [TestCase('2')]
    [TestCase(' ')]
    [TestCase('\0')]
    [TestCase('F')]
    [TestCase('\u00e9')]
    [TestCase('\u4e2d')]
    public void Find_NotAFormatCode_ReturnsNull(char code)
    {
        foreach (FormatMode mode in Enum.GetValues<FormatMode>())
            Assert.That(FormatTable.Find(code, mode), Is.Null, mode.ToString());
    }

    [Test]
    public void Find_NativeAndStandard_AreDistinctRows()
    {
        Assert.That(FormatTable.Find('i', FormatMode.Native), Is.Not.SameAs(FormatTable.Find('i', FormatMode.LittleEndian)));
    }

    [TestCase(FormatMode.LittleEndian, true)]
    [TestCase(FormatMode.BigEndian, false)]
    public void IsLittleEndian_ExplicitOrder_IsThatOrder(FormatMode mode, bool expected)
    {
        Assert.That(FormatTable.IsLittleEndian(mode), Is.EqualTo(expected));
    }

    [TestCase(FormatMode.Native)]
    [TestCase(FormatMode.NativeOrderStandardSize)]
    public void IsLittleEndian_NativeOrder_IsHostOrder(FormatMode mode)
    {
        Assert.That(FormatTable.IsLittleEndian(mode), Is.EqualTo(BitConverter.IsLittleEndian));
    }

    [Test]
    public void ToString_Row_NamesCodeKindAndSize()
    {
        Assert.That(FormatTable.Find('H', FormatMode.BigEndian)!.ToString(), Is.EqualTo("'H' (UnsignedInteger, 2 bytes)"));
    }
}
