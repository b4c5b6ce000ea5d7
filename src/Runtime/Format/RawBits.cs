// Reads and writes the 1, 2, 4 or 8 bytes of one scalar in a chosen byte order. The codec rows
// share it so that byte order is decided in exactly one place.
using System;
using System.Buffers.Binary;

namespace NewBuffer.Format;

internal static class RawBits
{
    public static ulong Read(ReadOnlySpan<byte> source, int size, bool littleEndian) => size switch
    {
        1 => source[0],
        2 => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(source) : BinaryPrimitives.ReadUInt16BigEndian(source),
        4 => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(source) : BinaryPrimitives.ReadUInt32BigEndian(source),
        _ => littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(source) : BinaryPrimitives.ReadUInt64BigEndian(source),
    };

    public static void Write(Span<byte> destination, int size, ulong bits, bool littleEndian)
    {
        switch (size)
        {
            case 1:
                destination[0] = (byte)bits;
                break;
            case 2:
                if (littleEndian)
                    BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)bits);
                else
                    BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)bits);
                break;
            case 4:
                if (littleEndian)
                    BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)bits);
                else
                    BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)bits);
                break;
            default:
                if (littleEndian)
                    BinaryPrimitives.WriteUInt64LittleEndian(destination, bits);
                else
                    BinaryPrimitives.WriteUInt64BigEndian(destination, bits);
                break;
        }
    }
}
