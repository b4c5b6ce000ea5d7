// Items in and out of ndarray memory, as _testbuffer.c's pack_single, pack_from_list and
// unpack_single do it with struct.Struct - here with the core's StructFormat, which has CPython's
// codes (including 'e') and its struct.error messages. An item is a bytes, int or float for a
// one-value format, or a list or tuple of exactly as many values as the format has; anything else
// is _testbuffer's ValueError, before any value is packed.
using System;
using System.Collections.Generic;
using System.Numerics;
using IronPython.Runtime;
using NewBuffer.Format;
using NewBuffer.Memory;

namespace NewBuffer.IronPython.TestBuffer;

internal static class NDItems
{
    /// <summary>pack_single: <paramref name="item"/> into the <paramref name="destination"/> bytes (one itemsize); a
    /// refused value is <paramref name="context"/>'s struct.error (or OverflowError), as from struct.pack_into.</summary>
    public static void Pack(CodeContext context, Span<byte> destination, StructFormat format, object? item)
    {
        object?[] values = ValuesOf(format, item);
        if (destination.Length < format.Size)
        {
            throw PythonErrors.StructError(
                context,
                $"pack_into requires a buffer of at least {format.Size} bytes for packing {format.Size} bytes at offset 0 (actual buffer size is {destination.Length})");
        }

        if (!format.TryPack(destination[..(int)format.Size], values, out FormatError error))
        {
            throw PythonErrors.Create(context, error);
        }
    }

    /// <summary>pack_from_list: item i into bytes [i * itemsize, (i + 1) * itemsize) of <paramref name="destination"/>.</summary>
    public static void PackAll(CodeContext context, Span<byte> destination, StructFormat format, long itemSize, IList<object?> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            Pack(context, destination.Slice((int)(i * itemSize), (int)itemSize), format, items[i]);
        }
    }

    /// <summary>unpack_single: the item at <paramref name="at"/> (a tuple for a multi-value format); a NULL format is 'B'.</summary>
    public static object? Unpack(CodeContext context, BufferPointer at, string? format, long itemSize)
    {
        if (format is null)
        {
            format = "B";
            itemSize = 1;
        }

        StructFormat parsed = Parse(context, format);
        if (parsed.Size > itemSize)
        {
            throw PythonErrors.StructError(
                context,
                $"unpack_from requires a buffer of at least {parsed.Size} bytes for unpacking {parsed.Size} bytes at offset 0 (actual buffer size is {itemSize})");
        }

        return parsed.UnpackValue(at.Slice(parsed.Size), PythonValues.Boxer);
    }

    /// <summary>struct.Struct(format): the parsed format, or <paramref name="context"/>'s struct.error.</summary>
    public static StructFormat Parse(CodeContext context, string format) =>
        StructFormat.TryParse(format, out StructFormat? parsed, out string? error) ? parsed : throw PythonErrors.StructError(context, error);

    /// <summary>PyLong_Check or PyFloat_Check. IronPython's own struct unpacks 'f' as System.Single and 'N' as
    /// System.UInt32, so test data built with it carries those CLR numbers too.</summary>
    private static bool IsNumber(object? item) =>
        item is int or BigInteger or bool or double or float or long or uint or ulong or short or ushort or sbyte or byte;

    private static object?[] ValuesOf(StructFormat format, object? item)
    {
        if (format.ValueCount == 1 && (item is Bytes || IsNumber(item)))
        {
            return [PythonValues.ToClr(item)];
        }

        if (item is PythonList or PythonTuple && ((IList<object?>)item).Count == format.ValueCount)
        {
            var members = (IList<object?>)item;
            var values = new object?[members.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = PythonValues.ToClr(members[i]);
            }

            return values;
        }

        throw PythonErrors.ValueError("mismatch between initializer element and format string");
    }
}
