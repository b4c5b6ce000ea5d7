// Tests for the per-code codecs (FormatCode rows): CPython's bytes for every code in every mode,
// every rejection message, the CLR types each row accepts, IEEE rounding edge cases, and a
// property comparing integer packing with a plain two's-complement reference.
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Numerics;
using FsCheck;
using NewBuffer.Format;
using NewBuffer.Protocol;
using NUnit.Framework;
using static NewBuffer.Tests.Format.CPythonReference;

namespace NewBuffer.Tests.Format;

[TestFixture]
public class FormatCodeTests
{
    private static readonly string[] s_integerFormats =
    [
        "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "P",
        "<b", "<B", "<h", "<H", "<i", "<I", "<l", "<L", "<q", "<Q",
        ">b", ">B", ">h", ">H", ">i", ">I", ">l", ">L", ">q", ">Q",
        "=h", "=I", "=l", "=Q", "!i", "!Q",
    ];

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.RoundTrips))]
    public void Pack_CPythonValue_WritesCPythonBytes(string format, object value, string hex, object unpacked)
    {
        AssumeSamePlatform(format);
        StructFormat parsed = StructFormat.Parse(format);
        var destination = new byte[parsed.Size];

        parsed.Single!.Pack(destination, value, parsed.LittleEndian);

        Assert.That(Hex(destination), Is.EqualTo(hex));
    }

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.RoundTrips))]
    public void Unpack_CPythonBytes_ReturnsCPythonValue(string format, object value, string hex, object unpacked)
    {
        AssumeSamePlatform(format);
        StructFormat parsed = StructFormat.Parse(format);

        object actual = parsed.Single!.Unpack(Bytes(hex), parsed.LittleEndian);

        AssertSameValue(actual, unpacked);
    }

    [TestCaseSource(typeof(CPythonPackErrorCases), nameof(CPythonPackErrorCases.All))]
    public void Pack_RejectedValue_ThrowsCPythonErrorAndWritesNothing(string format, object? value, BufferErrorKind kind, string message)
    {
        AssumeSamePlatform(format);
        StructFormat parsed = StructFormat.Parse(format);
        byte[] destination = new byte[parsed.Size];
        Array.Fill(destination, (byte)0xAA);

        var error = Assert.Throws<BufferException>(() => parsed.Single!.Pack(destination, value, parsed.LittleEndian));

        Assert.That(error!.Kind, Is.EqualTo(kind));
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(destination, Is.All.EqualTo((byte)0xAA));
    }

    private static IEnumerable<TestCaseData> IntegerTypes =>
    [
        new TestCaseData((sbyte)-2, "feffffff"),
        new TestCaseData((byte)200, "c8000000"),
        new TestCaseData((short)-300, "d4feffff"),
        new TestCaseData((ushort)60000, "60ea0000"),
        new TestCaseData(-5, "fbffffff"),
        new TestCaseData(7u, "07000000"),
        new TestCaseData(-9L, "f7ffffff"),
        new TestCaseData(11UL, "0b000000"),
        new TestCaseData((nint)(-13), "f3ffffff"),
        new TestCaseData((nuint)17, "11000000"),
        new TestCaseData(new BigInteger(-19), "edffffff"),
        new TestCaseData(true, "01000000"),
        new TestCaseData(false, "00000000"),
    ];

    [TestCaseSource(nameof(IntegerTypes))]
    public void Pack_IntegerOfAnyClrType_WritesTwosComplement(object value, string hex)
    {
        var destination = new byte[4];

        FormatTable.Find('i', FormatMode.LittleEndian)!.Pack(destination, value, littleEndian: true);

        Assert.That(Hex(destination), Is.EqualTo(hex));
    }

    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py floats
    private static IEnumerable<TestCaseData> FloatRounding =>
    [
        new TestCaseData("<d", 9007199254740993L, "0000000000004043"),
        new TestCaseData("<d", Big("1208925819614629308923905"), "010000000000f044"),
        new TestCaseData("<d", Big("1208925819614629308923904"), "000000000000f044"),
        new TestCaseData("<d", Big("1208925819614629577359360"), "020000000000f044"),
        new TestCaseData("<d", Big("-1208925819614629308923905"), "010000000000f0c4"),
        new TestCaseData("<d", Big("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791"), "ffffffffffffef7f"),
        new TestCaseData("<f", Big("1208925819614629308923905"), "00008067"),
        new TestCaseData("<f", 18446744073709551615UL, "0000805f"),
        new TestCaseData("<e", 65519.99, "ff7b"),
        new TestCaseData("<e", 2.9802322387695312e-08, "0000"),
        new TestCaseData("<e", 2.980232536792755e-08, "0100"),
        new TestCaseData("<e", 1.00048828125, "003c"),
        new TestCaseData("<e", 1.00146484375, "023c"),
        new TestCaseData("<e", 65504L, "ff7b"),
        new TestCaseData("@f", 1e+300, "0000807f"),
        new TestCaseData("@f", -BigInteger.Pow(2, 200), "000080ff"),
        new TestCaseData("<f", 1.5, "0000c03f"),
    ];

    [TestCaseSource(nameof(FloatRounding))]
    public void Pack_FloatOrInteger_RoundsAsCPython(string format, object value, string hex)
    {
        StructFormat parsed = StructFormat.Parse(format);
        var destination = new byte[parsed.Size];

        parsed.PackValue(destination, value);

        Assert.That(Hex(destination), Is.EqualTo(hex));
    }

    [TestCase(1.5f, "0000c03f")]
    [TestCase(-0.25f, "000080be")]
    public void Pack_Single_WritesBinary32(float value, string hex)
    {
        var destination = new byte[4];

        FormatTable.Find('f', FormatMode.LittleEndian)!.Pack(destination, value, littleEndian: true);

        Assert.That(Hex(destination), Is.EqualTo(hex));
    }

    [Test]
    public void Pack_Half_WritesBinary16()
    {
        var destination = new byte[2];

        FormatTable.Find('e', FormatMode.LittleEndian)!.Pack(destination, (Half)1.5, littleEndian: true);

        Assert.That(Hex(destination), Is.EqualTo("003e"));
    }

    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py halfbits
    [TestCase("017e", 0x7FF8000000000000UL)]
    [TestCase("01fe", 0xFFF8000000000000UL)]
    [TestCase("00fc", 0xFFF0000000000000UL)]
    [TestCase("0100", 0x3E70000000000000UL)]
    [TestCase("0080", 0x8000000000000000UL)]
    public void Unpack_Half_ReturnsCPythonDoubleBits(string hex, ulong doubleBits)
    {
        object value = FormatTable.Find('e', FormatMode.LittleEndian)!.Unpack(Bytes(hex), littleEndian: true);

        Assert.That(BitConverter.DoubleToUInt64Bits((double)value), Is.EqualTo(doubleBits));
    }

    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(null, false)]
    [TestCase(0, false)]
    [TestCase(-3L, true)]
    [TestCase(0.0, false)]
    [TestCase(double.NaN, true)]
    [TestCase("", false)]
    [TestCase("a", true)]
    public void Pack_Bool_WritesPythonTruth(object? value, bool expected)
    {
        var destination = new byte[] { 0xAA };

        FormatTable.Find('?', FormatMode.Native)!.Pack(destination, value, BitConverter.IsLittleEndian);

        Assert.That(destination[0], Is.EqualTo(expected ? 1 : 0));
    }

    [Test]
    public void Pack_BoolFromOtherObjects_WritesPythonTruth()
    {
        FormatCode code = FormatTable.Find('?', FormatMode.LittleEndian)!;
        object[] values = [Array.Empty<byte>(), new byte[] { 0 }, new ReadOnlyMemory<byte>(), new List<int> { 1 }, BigInteger.Zero, new object()];
        var written = new List<byte>();
        foreach (object value in values)
        {
            var destination = new byte[1];
            code.Pack(destination, value, littleEndian: true);
            written.Add(destination[0]);
        }

        Assert.That(written, Is.EqualTo(new byte[] { 0, 1, 0, 1, 0, 1 }));
    }

    [TestCase("00", false)]
    [TestCase("01", true)]
    [TestCase("80", true)]
    [TestCase("ff", true)]
    public void Unpack_Bool_AnyNonzeroByteIsTrue(string hex, bool expected)
    {
        object value = FormatTable.Find('?', FormatMode.BigEndian)!.Unpack(Bytes(hex), littleEndian: false);

        Assert.That(value, Is.EqualTo(expected));
    }

    [Test]
    public void Unpack_Char_ReturnsFreshArrayEachTime()
    {
        FormatCode code = FormatTable.Find('c', FormatMode.Native)!;

        var first = (byte[])code.Unpack(Bytes("41"), true);
        var second = (byte[])code.Unpack(Bytes("41"), true);

        Assert.That(first, Is.EqualTo(new byte[] { 0x41 }));
        Assert.That(first, Is.Not.SameAs(second));
    }

    [Test]
    public void Pack_BytesFromMemory_CopiesAndPads()
    {
        FormatCode code = FormatTable.Find('s', FormatMode.Native)!;
        var destination = new byte[4];
        Array.Fill(destination, (byte)0xAA);

        code.Pack(destination, new ReadOnlyMemory<byte>([1, 2]), true);

        Assert.That(Hex(destination), Is.EqualTo("01020000"));
    }

    [Test]
    public void Pack_PascalLongerThan255_CapsLengthByte()
    {
        var destination = new byte[300];
        byte[] data = new byte[400];
        Array.Fill(data, (byte)'a');

        FormatTable.Find('p', FormatMode.Native)!.Pack(destination, new Memory<byte>(data), true);

        Assert.That(destination[0], Is.EqualTo(255));
        Assert.That(destination[1..], Is.All.EqualTo((byte)'a'));
    }

    [Test]
    public void Unpack_PascalLengthBeyondField_StopsAtField()
    {
        object value = FormatTable.Find('p', FormatMode.Native)!.Unpack(Bytes("09616263"), true);

        Assert.That(value, Is.EqualTo(Bytes("616263")));
    }

    [Test]
    public void Unpack_Pad_Throws()
    {
        FormatCode pad = FormatTable.Find('x', FormatMode.Native)!;

        Assert.Throws<NotSupportedException>(() => pad.Unpack(Bytes("00"), true));
    }

    [Test]
    public void Pack_Pad_WritesZero()
    {
        var destination = new byte[] { 0xAA };

        FormatTable.Find('x', FormatMode.LittleEndian)!.Pack(destination, null, true);

        Assert.That(destination[0], Is.Zero);
    }

    [TestCase("B", 0UL)]
    [TestCase("b", -128L)]
    [TestCase("<H", 255UL)]
    public void Unpack_SmallInteger_SharesBox(string format, object expected)
    {
        StructFormat parsed = StructFormat.Parse(format);
        var source = new byte[parsed.Size];
        parsed.PackValue(source, expected);

        object first = parsed.UnpackValue(source)!;
        object second = parsed.UnpackValue(source)!;

        AssertSameValue(first, expected);
        Assert.That(first, Is.SameAs(second));
    }

    /// <summary>
    /// Any in-range value round-trips through every integer row, boxed as long, ulong or
    /// BigInteger, and the bytes equal a plain two's-complement reference encoding.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 500)]
    public void Pack_IntegerInRange_RoundTripsAndMatchesReference(DoNotSize<ulong> bits, NonNegativeInt pick, NonNegativeInt boxing)
    {
        StructFormat format = StructFormat.Parse(s_integerFormats[pick.Get % s_integerFormats.Length]);
        FormatCode code = format.Single!;
        int width = code.Size * 8;
        ulong raw = width == 64 ? bits.Item : bits.Item & ((1UL << width) - 1);
        bool signed = code.Kind == FormatValueKind.SignedInteger;
        long signedValue = (long)(raw << (64 - width)) >> (64 - width);
        object expected = signed ? signedValue : raw;
        object packed = (boxing.Get % 3) switch
        {
            0 => expected,
            1 => signed ? new BigInteger(signedValue) : new BigInteger(raw),
            _ => signed
                ? (signedValue >= 0 ? (object)(ulong)signedValue : signedValue)
                : (raw <= long.MaxValue ? (object)(long)raw : raw),
        };
        var destination = new byte[code.Size];
        var reference = new byte[8];
        if (format.LittleEndian)
            BinaryPrimitives.WriteUInt64LittleEndian(reference, raw);
        else
            BinaryPrimitives.WriteUInt64BigEndian(reference, raw << (64 - width));

        code.Pack(destination, packed, format.LittleEndian);

        Assert.That(destination, Is.EqualTo(reference[..code.Size]));
        AssertSameValue(code.Unpack(destination, format.LittleEndian), expected);
    }
}
