// Tests for StructFormat: calcsize and error parity with CPython over a broad table of formats,
// layout (items, Single, the memoryview native-single-character rule), whole-format pack/unpack
// against CPython's bytes, count and size errors, atomic packing, the cache, and a property that
// TryParse and Parse agree on random formats.
using System;
using System.Linq;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using NewBuffer.Format;
using NewBuffer.Protocol;
using NUnit.Framework;
using static NewBuffer.Tests.Format.CPythonReference;

namespace NewBuffer.Tests.Format;

[TestFixture]
public class StructFormatTests
{
    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py calcsize
    [TestCase("", 0L)]
    [TestCase("@", 0L)]
    [TestCase("=", 0L)]
    [TestCase("<", 0L)]
    [TestCase(">", 0L)]
    [TestCase("!", 0L)]
    [TestCase("x", 1L)]
    [TestCase("c", 1L)]
    [TestCase("b", 1L)]
    [TestCase("B", 1L)]
    [TestCase("?", 1L)]
    [TestCase("h", 2L)]
    [TestCase("H", 2L)]
    [TestCase("i", 4L)]
    [TestCase("I", 4L)]
    [TestCase("l", 8L)]
    [TestCase("L", 8L)]
    [TestCase("q", 8L)]
    [TestCase("Q", 8L)]
    [TestCase("n", 8L)]
    [TestCase("N", 8L)]
    [TestCase("e", 2L)]
    [TestCase("f", 4L)]
    [TestCase("d", 8L)]
    [TestCase("s", 1L)]
    [TestCase("p", 1L)]
    [TestCase("P", 8L)]
    [TestCase("@x", 1L)]
    [TestCase("@c", 1L)]
    [TestCase("@b", 1L)]
    [TestCase("@B", 1L)]
    [TestCase("@?", 1L)]
    [TestCase("@h", 2L)]
    [TestCase("@H", 2L)]
    [TestCase("@i", 4L)]
    [TestCase("@I", 4L)]
    [TestCase("@l", 8L)]
    [TestCase("@L", 8L)]
    [TestCase("@q", 8L)]
    [TestCase("@Q", 8L)]
    [TestCase("@n", 8L)]
    [TestCase("@N", 8L)]
    [TestCase("@e", 2L)]
    [TestCase("@f", 4L)]
    [TestCase("@d", 8L)]
    [TestCase("@s", 1L)]
    [TestCase("@p", 1L)]
    [TestCase("@P", 8L)]
    [TestCase("<x", 1L)]
    [TestCase("<c", 1L)]
    [TestCase("<b", 1L)]
    [TestCase("<B", 1L)]
    [TestCase("<?", 1L)]
    [TestCase("<h", 2L)]
    [TestCase("<H", 2L)]
    [TestCase("<i", 4L)]
    [TestCase("<I", 4L)]
    [TestCase("<l", 4L)]
    [TestCase("<L", 4L)]
    [TestCase("<q", 8L)]
    [TestCase("<Q", 8L)]
    [TestCase("<e", 2L)]
    [TestCase("<f", 4L)]
    [TestCase("<d", 8L)]
    [TestCase("<s", 1L)]
    [TestCase("<p", 1L)]
    [TestCase("=l", 4L)]
    [TestCase("=L", 4L)]
    [TestCase("=q", 8L)]
    [TestCase("=e", 2L)]
    [TestCase("=?", 1L)]
    [TestCase(">h", 2L)]
    [TestCase(">l", 4L)]
    [TestCase(">Q", 8L)]
    [TestCase(">d", 8L)]
    [TestCase("!i", 4L)]
    [TestCase("!L", 4L)]
    [TestCase("!f", 4L)]
    [TestCase("bi", 8L)]
    [TestCase("ib", 5L)]
    [TestCase("bh", 4L)]
    [TestCase("bl", 16L)]
    [TestCase("bq", 16L)]
    [TestCase("be", 4L)]
    [TestCase("bf", 8L)]
    [TestCase("bd", 16L)]
    [TestCase("b?", 2L)]
    [TestCase("bP", 16L)]
    [TestCase("bn", 16L)]
    [TestCase("cN", 16L)]
    [TestCase("hq", 16L)]
    [TestCase("hi", 8L)]
    [TestCase("ih", 6L)]
    [TestCase("iq", 16L)]
    [TestCase("llh", 18L)]
    [TestCase("bbbbi", 8L)]
    [TestCase("bbbbbi", 12L)]
    [TestCase("@bi", 8L)]
    [TestCase("=bi", 5L)]
    [TestCase("<bi", 5L)]
    [TestCase(">bi", 5L)]
    [TestCase("!bi", 5L)]
    [TestCase("<hq", 10L)]
    [TestCase(">ci", 5L)]
    [TestCase("=bd", 9L)]
    [TestCase("b0i", 4L)]
    [TestCase("@b0q", 8L)]
    [TestCase("0i", 0L)]
    [TestCase("i0b", 4L)]
    [TestCase("ci0q", 8L)]
    [TestCase("b0s", 1L)]
    [TestCase("b0p", 1L)]
    [TestCase("bxi", 8L)]
    [TestCase("3sI", 8L)]
    [TestCase("5p2h", 10L)]
    [TestCase("s4d", 40L)]
    [TestCase("b3h", 8L)]
    [TestCase("3hq", 16L)]
    [TestCase("3bP", 16L)]
    [TestCase("10i", 40L)]
    [TestCase("0s", 0L)]
    [TestCase("0p", 0L)]
    [TestCase("0x", 0L)]
    [TestCase("3x", 3L)]
    [TestCase("00i", 0L)]
    [TestCase("007i", 28L)]
    [TestCase("255p", 255L)]
    [TestCase("256p", 256L)]
    [TestCase("1000000s", 1000000L)]
    [TestCase("2s3s", 5L)]
    [TestCase("10c", 10L)]
    [TestCase("<10e", 20L)]
    [TestCase("4?", 4L)]
    [TestCase(" i", 4L)]
    [TestCase("i ", 4L)]
    [TestCase("i i", 8L)]
    [TestCase("\ti\n", 4L)]
    [TestCase("< i  h", 6L)]
    [TestCase("2i 3h", 14L)]
    [TestCase("\u000bi\f", 4L)]
    [TestCase("\ri", 4L)]
    [TestCase("@ b i", 8L)]
    [TestCase("b\ti", 8L)]
    [TestCase("9223372036854775807x", 9223372036854775807L)]
    [TestCase("9223372036854775807s", 9223372036854775807L)]
    [TestCase("9223372036854775807c", 9223372036854775807L)]
    [TestCase("4611686018427387903h", 9223372036854775806L)]
    [TestCase("1152921504606846975q", 9223372036854775800L)]
    [TestCase("b1152921504606846974q", 9223372036854775800L)]
    [TestCase("9223372036854775806xb", 9223372036854775807L)]
    [TestCase("<2305843009213693951i", 9223372036854775804L)]
    [TestCase("9223372036854775807x0b", 9223372036854775807L)]
    [TestCase("<9223372036854775807x0q", 9223372036854775807L)]
    public void Size_AnyFormat_EqualsCPythonCalcSize(string format, long expected)
    {
        AssumeSamePlatform(format);

        Assert.That(StructFormat.Parse(format).Size, Is.EqualTo(expected));
        Assert.That(StructFormat.CalcSize(format), Is.EqualTo(expected));
    }

    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py bad
    [TestCase("y", "bad char in struct format")]
    [TestCase("$", "bad char in struct format")]
    [TestCase("iy", "bad char in struct format")]
    [TestCase("Z", "bad char in struct format")]
    [TestCase("F", "bad char in struct format")]
    [TestCase("D", "bad char in struct format")]
    [TestCase("g", "bad char in struct format")]
    [TestCase("O", "bad char in struct format")]
    [TestCase("u", "bad char in struct format")]
    [TestCase("w", "bad char in struct format")]
    [TestCase("T{i}", "bad char in struct format")]
    [TestCase("(2)i", "bad char in struct format")]
    [TestCase(":x:", "bad char in struct format")]
    [TestCase("&", "bad char in struct format")]
    [TestCase("^i", "bad char in struct format")]
    [TestCase("-1i", "bad char in struct format")]
    [TestCase("+1i", "bad char in struct format")]
    [TestCase("1.5i", "bad char in struct format")]
    [TestCase("2", "repeat count given without format specifier")]
    [TestCase("i2", "repeat count given without format specifier")]
    [TestCase("< 2", "repeat count given without format specifier")]
    [TestCase("@3", "repeat count given without format specifier")]
    [TestCase("<>", "bad char in struct format")]
    [TestCase(" <i", "bad char in struct format")]
    [TestCase("i<", "bad char in struct format")]
    [TestCase("@@", "bad char in struct format")]
    [TestCase("<@i", "bad char in struct format")]
    [TestCase("i!", "bad char in struct format")]
    [TestCase("2 i", "bad char in struct format")]
    [TestCase("2<", "bad char in struct format")]
    [TestCase("<n", "bad char in struct format")]
    [TestCase("<N", "bad char in struct format")]
    [TestCase("<P", "bad char in struct format")]
    [TestCase("=n", "bad char in struct format")]
    [TestCase("=N", "bad char in struct format")]
    [TestCase("=P", "bad char in struct format")]
    [TestCase(">P", "bad char in struct format")]
    [TestCase("!N", "bad char in struct format")]
    [TestCase(">n", "bad char in struct format")]
    [TestCase("i\u0000", "embedded null character")]
    [TestCase("\u0000", "embedded null character")]
    [TestCase("\u0000i", "embedded null character")]
    [TestCase("2\u0000", "embedded null character")]
    [TestCase("99999999999999999999i", "total struct size too long")]
    [TestCase("99999999999999999999", "total struct size too long")]
    [TestCase("9223372036854775808x", "total struct size too long")]
    [TestCase("9223372036854775807xb", "total struct size too long")]
    [TestCase("4611686018427387904h", "total struct size too long")]
    [TestCase("2305843009213693952i", "total struct size too long")]
    [TestCase("b9223372036854775807s", "total struct size too long")]
    [TestCase("b1152921504606846975q", "total struct size too long")]
    [TestCase("9223372036854775807x9223372036854775807x", "total struct size too long")]
    [TestCase("1152921504606846976d", "total struct size too long")]
    [TestCase("9223372036854775807xq", "total struct size too long")]
    [TestCase("9223372036854775807x0q", "total struct size too long")]
    [TestCase("9223372036854775807x$", "bad char in struct format")]
    [TestCase("9223372036854775807x9x$", "total struct size too long")]
    // CPython raises this for the bytes b'\xe9' (a str format fails earlier, in ASCII encoding).
    [TestCase("\u00e9", "bad char in struct format")]
    [TestCase("i\u4e2d", "bad char in struct format")]
    public void Parse_InvalidFormat_ThrowsCPythonStructError(string format, string message)
    {
        var error = Assert.Throws<BufferException>(() => StructFormat.Parse(format));
        Assert.That(error!.Kind, Is.EqualTo(BufferErrorKind.Struct));
        Assert.That(error.Message, Is.EqualTo(message));

        Assert.That(StructFormat.TryParse(format, out StructFormat? result, out string? tryError), Is.False);
        Assert.That(result, Is.Null);
        Assert.That(tryError, Is.EqualTo(message));

        Assert.That(() => StructFormat.CalcSize(format), Throws.TypeOf<BufferException>().With.Message.EqualTo(message));
    }

    [Test]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => StructFormat.Parse(null!));
    }

    [TestCase("", FormatMode.Native)]
    [TestCase("@i", FormatMode.Native)]
    [TestCase("i", FormatMode.Native)]
    [TestCase("=i", FormatMode.NativeOrderStandardSize)]
    [TestCase("<i", FormatMode.LittleEndian)]
    [TestCase(">i", FormatMode.BigEndian)]
    [TestCase("!i", FormatMode.BigEndian)]
    public void Parse_Prefix_SetsModeAndByteOrder(string format, FormatMode mode)
    {
        StructFormat parsed = StructFormat.Parse(format);

        Assert.That(parsed.Mode, Is.EqualTo(mode));
        Assert.That(parsed.LittleEndian, Is.EqualTo(FormatTable.IsLittleEndian(mode)));
        Assert.That(parsed.Text, Is.EqualTo(format));
        Assert.That(parsed.ToString(), Is.EqualTo(format));
    }

    [TestCase("3sI", "s@0x1x3 I@4x1x4", 2)]
    [TestCase("10i", "i@0x10x4", 10)]
    [TestCase("b0i", "b@0x1x1", 1)]
    [TestCase("0s0p", "s@0x1x0 p@0x1x0", 2)]
    [TestCase("x2x0i", "", 0)]
    [TestCase("<hxq", "h@0x1x2 q@3x1x8", 2)]
    [TestCase("c 2h", "c@0x1x1 h@2x2x2", 3)]
    public void Items_Format_ListsRunsWithOffsets(string format, string runs, long valueCount)
    {
        StructFormat parsed = StructFormat.Parse(format);

        string actual = string.Join(" ", parsed.Items.Select(i => $"{i.Code.Code}@{i.Offset}x{i.Repeat}x{i.FieldSize}"));

        Assert.That(actual, Is.EqualTo(runs));
        Assert.That(parsed.ValueCount, Is.EqualTo(valueCount));
    }

    [Test]
    public void Parse_HugeRepeat_KeepsOneItem()
    {
        StructFormat parsed = StructFormat.Parse("4294967296B");

        Assert.That(parsed.Items, Has.Count.EqualTo(1));
        Assert.That(parsed.ValueCount, Is.EqualTo(4294967296L));
    }

    [TestCase("B", 'B')]
    [TestCase("@d", 'd')]
    [TestCase("<i", 'i')]
    [TestCase("= q", 'q')]
    [TestCase("3s", 's')]
    [TestCase("0p", 'p')]
    [TestCase("0ib", 'b')]
    [TestCase("1i", 'i')]
    [TestCase("xB", null)]
    [TestCase("Bx", null)]
    [TestCase("2B", null)]
    [TestCase("bi", null)]
    [TestCase("", null)]
    [TestCase("0i", null)]
    public void Single_Format_IsTheOneValueRow(string format, char? code)
    {
        Assert.That(StructFormat.Parse(format).Single?.Code, Is.EqualTo(code));
    }

    [Test]
    public void IsNativeSingleCharacter_MemoryViewNativeCodes_True()
    {
        foreach (char c in "cbBhHiIlLqQnNfde?P")
        {
            Assert.That(StructFormat.Parse(c.ToString()).IsNativeSingleCharacter, Is.True, c.ToString());
            Assert.That(StructFormat.Parse("@" + c).IsNativeSingleCharacter, Is.True, "@" + c);
        }
    }

    [TestCase("x")]
    [TestCase("s")]
    [TestCase("p")]
    [TestCase("@s")]
    [TestCase("<i")]
    [TestCase("=B")]
    [TestCase(">d")]
    [TestCase("!b")]
    [TestCase("1i")]
    [TestCase("2i")]
    [TestCase(" i")]
    [TestCase("i ")]
    [TestCase("bi")]
    [TestCase("")]
    [TestCase("@")]
    public void IsNativeSingleCharacter_OtherFormats_False(string format)
    {
        Assert.That(StructFormat.Parse(format).IsNativeSingleCharacter, Is.False);
    }

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.Structs))]
    public void Pack_Values_WritesCPythonBytes(string format, string hex, object?[] values)
    {
        AssumeSamePlatform(format);
        StructFormat parsed = StructFormat.Parse(format);
        var destination = new byte[parsed.Size];
        Array.Fill(destination, (byte)0xAA);

        parsed.Pack(destination, values);

        Assert.That(Hex(destination), Is.EqualTo(hex));
    }

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.Structs))]
    public void Unpack_CPythonBytes_ReturnsCPythonValues(string format, string hex, object?[] values)
    {
        AssumeSamePlatform(format);

        object?[] actual = StructFormat.Parse(format).Unpack(Bytes(hex));

        Assert.That(actual, Has.Length.EqualTo(values.Length));
        for (int i = 0; i < values.Length; i++)
            AssertSameValue(actual[i], values[i]);
    }

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.Structs))]
    public void UnpackValue_CPythonBytes_ReturnsValueOrArray(string format, string hex, object?[] values)
    {
        AssumeSamePlatform(format);

        object? actual = StructFormat.Parse(format).UnpackValue(Bytes(hex));

        if (values.Length == 1)
            AssertSameValue(actual, values[0]);
        else
            Assert.That(actual, Is.EqualTo(values));
    }

    [TestCaseSource(typeof(CPythonCodecCases), nameof(CPythonCodecCases.RoundTrips))]
    public void PackValue_SingleValue_MatchesGeneralPack(string format, object value, string hex, object unpacked)
    {
        AssumeSamePlatform(format);
        StructFormat parsed = StructFormat.Parse(format);
        var fast = new byte[parsed.Size];
        var general = new byte[parsed.Size];

        parsed.PackValue(fast, value);
        parsed.Pack(general, [value]);

        Assert.That(Hex(fast), Is.EqualTo(hex));
        Assert.That(Hex(general), Is.EqualTo(hex));
        AssertSameValue(parsed.UnpackValue(Bytes(hex)), unpacked);
        AssertSameValue(parsed.Unpack(Bytes(hex)).Single(), unpacked);
    }

    [TestCase("xi", "0000000007000000")]
    [TestCase("<bx", "0700")]
    public void PackValue_OneValueWithPadding_UsesGeneralPath(string format, string hex)
    {
        StructFormat parsed = StructFormat.Parse(format);
        var destination = new byte[parsed.Size];
        Array.Fill(destination, (byte)0xAA);

        parsed.PackValue(destination, 7);

        Assert.That(Hex(destination), Is.EqualTo(hex));
        Assert.That(parsed.UnpackValue(destination), Is.EqualTo(7L));
    }

    [Test]
    public void PackValue_ManyValuesAsArray_PacksAll()
    {
        StructFormat parsed = StructFormat.Parse("<hH");
        var destination = new byte[4];

        parsed.PackValue(destination, new object?[] { -1, 2 });

        Assert.That(Hex(destination), Is.EqualTo("ffff0200"));
    }

    [Test]
    public void PackValue_ManyValuesGivenOne_ThrowsPackCount()
    {
        StructFormat parsed = StructFormat.Parse("<hH");

        var error = Assert.Throws<BufferException>(() => parsed.PackValue(new byte[4], 1));

        Assert.That(error!.Kind, Is.EqualTo(BufferErrorKind.Struct));
        Assert.That(error.Message, Is.EqualTo("pack expected 2 items for packing (got 1)"));
    }

    [Test]
    public void TryPackValue_OutOfRange_ReportsAndWritesNothing()
    {
        StructFormat parsed = StructFormat.Parse("<h");
        byte[] destination = [0xAA, 0xBB];

        bool packed = parsed.TryPackValue(destination, 1 << 20, out FormatError error);

        Assert.That(packed, Is.False);
        Assert.That(error, Is.EqualTo(new FormatError(BufferErrorKind.Struct, "'h' format requires -32768 <= number <= 32767")));
        Assert.That(destination, Is.EqualTo(new byte[] { 0xAA, 0xBB }));
    }

    [Test]
    public void TryPack_FloatTooLargeForStandardF_ReportsOverflow()
    {
        StructFormat parsed = StructFormat.Parse("<f");

        bool packed = parsed.TryPack(new byte[4], [1e300], out FormatError error);

        Assert.That(packed, Is.False);
        Assert.That(error.Kind, Is.EqualTo(BufferErrorKind.Overflow));
        Assert.That(error.Message, Is.EqualTo("float too large to pack with f format"));
    }

    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py packcounts
    [TestCase("2i", 1, "pack expected 2 items for packing (got 1)")]
    [TestCase("i", 2, "pack expected 1 items for packing (got 2)")]
    [TestCase("0i", 1, "pack expected 0 items for packing (got 1)")]
    [TestCase("x", 1, "pack expected 0 items for packing (got 1)")]
    [TestCase("2s2p", 1, "pack expected 2 items for packing (got 1)")]
    [TestCase("", 1, "pack expected 0 items for packing (got 1)")]
    public void Pack_WrongValueCount_ThrowsCPythonError(string format, int count, string message)
    {
        StructFormat parsed = StructFormat.Parse(format);

        var error = Assert.Throws<BufferException>(() => parsed.Pack(new byte[parsed.Size], new object?[count]));

        Assert.That(error!.Kind, Is.EqualTo(BufferErrorKind.Struct));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    // PYENV_VERSION=3.13.0 python3 tests/dotnet/Runtime.Tests/Format/generate_cpython_cases.py unpacksizes
    [TestCase("i", 3, "unpack requires a buffer of 4 bytes")]
    [TestCase("2i", 0, "unpack requires a buffer of 8 bytes")]
    [TestCase("", 1, "unpack requires a buffer of 0 bytes")]
    [TestCase("0s", 2, "unpack requires a buffer of 0 bytes")]
    [TestCase("bi", 5, "unpack requires a buffer of 8 bytes")]
    public void Unpack_WrongLength_ThrowsCPythonError(string format, int length, string message)
    {
        StructFormat parsed = StructFormat.Parse(format);

        var error = Assert.Throws<BufferException>(() => parsed.Unpack(new byte[length]));
        var valueError = Assert.Throws<BufferException>(() => parsed.UnpackValue(new byte[length]));

        Assert.That(error!.Kind, Is.EqualTo(BufferErrorKind.Struct));
        Assert.That(error.Message, Is.EqualTo(message));
        Assert.That(valueError!.Message, Is.EqualTo(message));
    }

    [TestCase("<bb")]
    [TestCase("<300sb")]
    public void Pack_LaterValueRejected_LeavesDestinationUntouched(string format)
    {
        StructFormat parsed = StructFormat.Parse(format);
        var destination = new byte[parsed.Size];
        Array.Fill(destination, (byte)0xAA);
        object?[] values = parsed.Items[0].Code.Kind == FormatValueKind.Bytes ? [new byte[] { 1 }, 300] : [1, 300];

        Assert.Throws<BufferException>(() => parsed.Pack(destination, values));

        Assert.That(destination, Is.All.EqualTo((byte)0xAA));
    }

    [Test]
    public void Pack_DestinationOfWrongLength_ThrowsArgument()
    {
        StructFormat parsed = StructFormat.Parse("<i");

        Assert.Throws<ArgumentException>(() => parsed.Pack(new byte[5], [1]));
        Assert.Throws<ArgumentException>(() => parsed.PackValue(new byte[3], 1));
    }

    [Test]
    public void Parse_SameText_ReturnsCachedInstance()
    {
        Assert.That(StructFormat.Parse("<3hq"), Is.SameAs(StructFormat.Parse("<3hq")));
    }

    [Test]
    public void Parse_ManyFormatsInParallel_AllCorrect()
    {
        long[] sizes = new long[2000];

        Parallel.For(0, sizes.Length, i => sizes[i] = StructFormat.Parse($"<{i}s").Size + StructFormat.Parse("@bq").Size);

        Assert.That(sizes, Is.EqualTo(Enumerable.Range(0, sizes.Length).Select(i => i + 16L)));
    }

    [Test]
    public void CalcSize_NativeSingleCharacter_EqualsTableSize()
    {
        foreach (char c in "xcbB?hHiIlLqQnNefdspP")
        {
            long size = FormatTable.Find(c, FormatMode.Native)!.Size;
            Assert.That(StructFormat.CalcSize(c.ToString()), Is.EqualTo(size));
            Assert.That(StructFormat.CalcSize("@" + c), Is.EqualTo(size));
        }
    }

    /// <summary>
    /// A random format: an optional prefix, then mostly codes, counts and spaces, with an
    /// occasional character that is an error anywhere but first (or everywhere).
    /// </summary>
    public sealed record FormatText(string Value)
    {
        public override string ToString() => Value.Replace("\0", "\\0", StringComparison.Ordinal);
    }

    public static class FormatTextArbitrary
    {
        public static Arbitrary<FormatText> FormatText()
        {
            Gen<string> prefix = Gen.Elements("", "", "@", "=", "<", ">", "!", " ");
            Gen<char> body = Gen.Frequency(
                (20, Gen.Elements("xcbB?hHiIlLqQnNefdspP".ToCharArray())),
                (6, Gen.Elements("0123456789".ToCharArray())),
                (2, Gen.Elements(" \t\n".ToCharArray())),
                (1, Gen.Elements("@=<>!yZ$\0\u00e9".ToCharArray())));
            return prefix
                .SelectMany(p => body.ArrayOf(), (p, chars) => new FormatText(p + new string(chars)))
                .ToArbitrary();
        }
    }

    [FsCheck.NUnit.Property(Arbitrary = new[] { typeof(FormatTextArbitrary) }, MaxTest = 1000)]
    public void TryParse_RandomFormat_AgreesWithParse(FormatText text)
    {
        bool parsed = StructFormat.TryParse(text.Value, out StructFormat? result, out string? error);

        if (parsed)
        {
            Assert.That(error, Is.Null);
            Assert.That(StructFormat.Parse(text.Value).Size, Is.EqualTo(result!.Size));
            Assert.That(StructFormat.CalcSize(text.Value), Is.EqualTo(result.Size));
            AssertLayoutIsConsistent(result);
        }
        else
        {
            Assert.That(result, Is.Null);
            var thrown = Assert.Throws<BufferException>(() => StructFormat.Parse(text.Value));
            Assert.That(thrown!.Kind, Is.EqualTo(BufferErrorKind.Struct));
            Assert.That(thrown.Message, Is.EqualTo(error));
        }
    }

    /// <summary>Items lie in order, do not overlap, fit in Size, and count ValueCount values.</summary>
    private static void AssertLayoutIsConsistent(StructFormat format)
    {
        long end = 0;
        long values = 0;
        foreach (FormatItem item in format.Items)
        {
            Assert.That(item.Offset, Is.GreaterThanOrEqualTo(end));
            if (format.Mode == FormatMode.Native)
                Assert.That(item.Offset % item.Code.Alignment, Is.Zero);
            end = item.Offset + (item.Repeat * item.FieldSize);
            values += item.Repeat;
        }

        Assert.That(end, Is.LessThanOrEqualTo(format.Size));
        Assert.That(values, Is.EqualTo(format.ValueCount));
    }

    // PYENV_VERSION=3.13.0 python3 -c "import struct; struct.pack_into('<i', bytearray(8), OFFSET, 1)" (and unpack_from)
    [TestCase(0L, 0L)]
    [TestCase(4L, 4L)]
    [TestCase(-4L, 4L)]
    [TestCase(-8L, 0L)]
    public void PackOffsetAndUnpackOffset_InRange_ResolveAsCPython(long offset, long expected)
    {
        StructFormat format = StructFormat.Parse("<i");
        Assert.That(format.PackOffset(8, offset), Is.EqualTo(expected));
        Assert.That(format.UnpackOffset(8, offset), Is.EqualTo(expected));
    }

    [TestCase(-9L, "offset -9 out of range for 8-byte buffer", "offset -9 out of range for 8-byte buffer")]
    [TestCase(-2L, "no space to pack 4 bytes at offset -2", "not enough data to unpack 4 bytes at offset -2")]
    [TestCase(6L, "pack_into requires a buffer of at least 10 bytes for packing 4 bytes at offset 6 (actual buffer size is 8)",
        "unpack_from requires a buffer of at least 10 bytes for unpacking 4 bytes at offset 6 (actual buffer size is 8)")]
    [TestCase(long.MaxValue, "pack_into requires a buffer of at least 9223372036854775811 bytes for packing 4 bytes at offset 9223372036854775807 (actual buffer size is 8)",
        "unpack_from requires a buffer of at least 9223372036854775811 bytes for unpacking 4 bytes at offset 9223372036854775807 (actual buffer size is 8)")]
    public void PackOffsetAndUnpackOffset_OutOfRange_ThrowCPythonMessages(long offset, string packMessage, string unpackMessage)
    {
        StructFormat format = StructFormat.Parse("<i");
        Assert.That(() => format.PackOffset(8, offset), Throws.TypeOf<BufferException>().With.Message.EqualTo(packMessage));
        Assert.That(() => format.UnpackOffset(8, offset), Throws.TypeOf<BufferException>().With.Message.EqualTo(unpackMessage));
    }

    [Test]
    public void RecordCount_Multiple_CountsRecords() => Assert.That(StructFormat.Parse("<h").RecordCount(6), Is.EqualTo(3));

    [TestCase("<i", 3L, "iterative unpacking requires a buffer of a multiple of 4 bytes")]
    [TestCase("", 3L, "cannot iteratively unpack with a struct of length 0")]
    [TestCase("", 0L, "cannot iteratively unpack with a struct of length 0")]
    public void RecordCount_Invalid_ThrowsCPythonMessage(string text, long length, string message) =>
        Assert.That(() => StructFormat.Parse(text).RecordCount(length), Throws.TypeOf<BufferException>().With.Message.EqualTo(message));

    [Test]
    public void CheckPackIntoCount_Wrong_ThrowsCPythonMessage()
    {
        StructFormat format = StructFormat.Parse("<hh");
        Assert.That(() => format.CheckPackIntoCount(2), Throws.Nothing);
        Assert.That(() => format.CheckPackIntoCount(3),
            Throws.TypeOf<BufferException>().With.Message.EqualTo("pack_into expected 2 items for packing (got 3)"));
    }
}
