// The struct format of each .NET element type newbuffer exports zero-copy (arrays, Memory<T>,
// ArraySegment<T>). One row per type, sized as the runtime lays the type out, so a view's itemsize
// is what StructFormat says the format takes (checked by the tests for every row).
// Decisions: char is a UTF-16 code unit, exported as 'H' (CPython's 'u' is a 4-byte wchar_t on
// Linux and deprecated); IntPtr and UIntPtr are pointer-sized integers, 'n' and 'N' (ssize_t and
// size_t), not 'P', because .NET code uses nint as a number far more often than as an address.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NewBuffer.Format;

/// <summary>Struct formats of the .NET primitive types whose memory can be exported as it is.</summary>
public static class ClrElementFormats
{
    private static readonly (Type Type, string Format, int Size)[] s_rows =
    [
        (typeof(byte), "B", sizeof(byte)),
        (typeof(sbyte), "b", sizeof(sbyte)),
        (typeof(short), "h", sizeof(short)),
        (typeof(ushort), "H", sizeof(ushort)),
        (typeof(int), "i", sizeof(int)),
        (typeof(uint), "I", sizeof(uint)),
        (typeof(long), "q", sizeof(long)),
        (typeof(ulong), "Q", sizeof(ulong)),
        (typeof(Half), "e", Unsafe.SizeOf<Half>()),
        (typeof(float), "f", sizeof(float)),
        (typeof(double), "d", sizeof(double)),
        (typeof(bool), "?", sizeof(bool)),
        (typeof(char), "H", sizeof(char)),
        (typeof(IntPtr), "n", IntPtr.Size),
        (typeof(UIntPtr), "N", UIntPtr.Size),
    ];

    /// <summary>The format and byte size of one <paramref name="elementType"/>, or false when its memory is not exported.</summary>
    public static bool TryGet(Type elementType, [NotNullWhen(true)] out string? format, out int size)
    {
        foreach ((Type type, string rowFormat, int rowSize) in s_rows)
        {
            if (type == elementType)
            {
                (format, size) = (rowFormat, rowSize);
                return true;
            }
        }

        (format, size) = (null, 0);
        return false;
    }

    /// <summary>Every exported element type with its format and size, in table order.</summary>
    public static ReadOnlySpan<(Type Type, string Format, int Size)> All => s_rows;
}
