// THE format table: every format character the codec knows, with size, alignment and codec, in
// two row sets as CPython `_struct.c` keeps them - native ('@' or no prefix: the C ABI of this
// process) and standard ('=', '<', '>', '!': fixed sizes, no alignment, no 'n', 'N', 'P').
// Nothing outside this folder switches on a format character; it asks this table.
// Native sizes follow NativeAbi: by default the platform's C ABI ('l'/'L' 4 bytes on Windows and
// pointer-sized elsewhere, 'n', 'N', 'P' pointer-sized); a host whose C types differ sets Abi once
// at start-up (IronPython's module: 'l' 4 bytes as its ctypes.c_long and array('l'), 'n' and 'P'
// pointer-sized), so views its array and ctypes objects export agree with ours. A scalar's alignment equals its size, as in the
// C ABIs .NET runs on. Lookup is an array index by character, with no hashing or allocation.
using System;
using System.Threading;

namespace NewBuffer.Format;

/// <summary>
/// The rows of format characters for native and standard modes
/// (<see href="https://docs.python.org/3/library/struct.html#format-characters"/>).
/// </summary>
public static class FormatTable
{
    private const int TableLength = 128;

    private static NativeAbi s_abi = NativeAbi.Platform;
    private static FormatCode?[] s_native = NativeRows(NativeAbi.Platform);

    /// <summary>The sizes of the native 'l', 'n' and 'P' codes; set by a host whose struct module differs from the C ABI.</summary>
    public static NativeAbi Abi
    {
        get => Volatile.Read(ref s_abi);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value == Volatile.Read(ref s_abi))
            {
                return;
            }

            Volatile.Write(ref s_native, NativeRows(value));
            Volatile.Write(ref s_abi, value);
            StructFormat.ClearCache();
        }
    }

    private static FormatCode?[] NativeRows(NativeAbi abi) => Index(
    [
        new PadCode('x'),
        new CharCode('c'),
        new IntegerCode('b', 1, 1, FormatValueKind.SignedInteger),
        new IntegerCode('B', 1, 1, FormatValueKind.UnsignedInteger),
        new BoolCode('?', 1, 1),
        new IntegerCode('h', 2, 2, FormatValueKind.SignedInteger),
        new IntegerCode('H', 2, 2, FormatValueKind.UnsignedInteger),
        new IntegerCode('i', 4, 4, FormatValueKind.SignedInteger),
        new IntegerCode('I', 4, 4, FormatValueKind.UnsignedInteger),
        new IntegerCode('l', abi.LongSize, abi.LongSize, FormatValueKind.SignedInteger),
        new IntegerCode('L', abi.LongSize, abi.LongSize, FormatValueKind.UnsignedInteger),
        new IntegerCode('q', 8, 8, FormatValueKind.SignedInteger),
        new IntegerCode('Q', 8, 8, FormatValueKind.UnsignedInteger),
        new IntegerCode('n', abi.SizeSize, abi.SizeSize, FormatValueKind.SignedInteger),
        new IntegerCode('N', abi.SizeSize, abi.SizeSize, FormatValueKind.UnsignedInteger),
        new FloatCode('e', 2, 2, checkOverflow: true),
        new FloatCode('f', 4, 4, checkOverflow: false),
        new FloatCode('d', 8, 8, checkOverflow: false),
        new BytesCode('s', FormatValueKind.Bytes),
        new BytesCode('p', FormatValueKind.PascalBytes),
        new IntegerCode('P', abi.PointerSize, abi.PointerSize, FormatValueKind.Pointer),
    ]);

    private static readonly FormatCode?[] s_standard = Index(
    [
        new PadCode('x'),
        new CharCode('c'),
        new IntegerCode('b', 1, 1, FormatValueKind.SignedInteger),
        new IntegerCode('B', 1, 1, FormatValueKind.UnsignedInteger),
        new BoolCode('?', 1, 1),
        new IntegerCode('h', 2, 1, FormatValueKind.SignedInteger),
        new IntegerCode('H', 2, 1, FormatValueKind.UnsignedInteger),
        new IntegerCode('i', 4, 1, FormatValueKind.SignedInteger),
        new IntegerCode('I', 4, 1, FormatValueKind.UnsignedInteger),
        new IntegerCode('l', 4, 1, FormatValueKind.SignedInteger),
        new IntegerCode('L', 4, 1, FormatValueKind.UnsignedInteger),
        new IntegerCode('q', 8, 1, FormatValueKind.SignedInteger),
        new IntegerCode('Q', 8, 1, FormatValueKind.UnsignedInteger),
        new FloatCode('e', 2, 1, checkOverflow: true),
        new FloatCode('f', 4, 1, checkOverflow: true),
        new FloatCode('d', 8, 1, checkOverflow: false),
        new BytesCode('s', FormatValueKind.Bytes),
        new BytesCode('p', FormatValueKind.PascalBytes),
    ]);

    /// <summary>The row for <paramref name="code"/> in <paramref name="mode"/>, or null if the character is not a format code there.</summary>
    public static FormatCode? Find(char code, FormatMode mode)
    {
        FormatCode?[] rows = mode == FormatMode.Native ? Volatile.Read(ref s_native) : s_standard;
        return code < TableLength ? rows[code] : null;
    }

    /// <summary>Whether values in <paramref name="mode"/> are stored least significant byte first.</summary>
    public static bool IsLittleEndian(FormatMode mode) => mode switch
    {
        FormatMode.LittleEndian => true,
        FormatMode.BigEndian => false,
        _ => BitConverter.IsLittleEndian,
    };

    private static FormatCode?[] Index(FormatCode[] rows)
    {
        var table = new FormatCode?[TableLength];
        foreach (FormatCode row in rows)
            table[row.Code] = row;
        return table;
    }
}
