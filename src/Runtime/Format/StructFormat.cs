// A parsed struct format string (CPython's Struct object): its mode, size and the runs of values
// it lays out. Immutable and thread-safe; Parse caches instances because the same few formats
// ("B", "<i", "@d") arrive over and over. Single carries memoryview's fast path: when the format
// is exactly one value with no padding, one table row packs and unpacks it and the general walker
// is skipped. Pack is all-or-nothing: values are packed into scratch and copied only when every
// one was accepted (CPython's pack_into may leave a partial write; a memoryview must not).
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using NewBuffer.Protocol;

namespace NewBuffer.Format;

/// <summary>
/// A parsed struct format: layout, size and codec for its values
/// (<see href="https://docs.python.org/3/library/struct.html#struct.Struct"/>).
/// </summary>
public sealed class StructFormat
{
    private const int CacheLimit = 256;
    private const int StackScratchSize = 256;

    private static readonly ConcurrentDictionary<string, StructFormat> s_cache = new(StringComparer.Ordinal);

    private readonly FormatItem[] _items;

    internal StructFormat(string text, FormatMode mode, long size, long valueCount, FormatItem[] items)
    {
        Text = text;
        Mode = mode;
        LittleEndian = FormatTable.IsLittleEndian(mode);
        Size = size;
        ValueCount = valueCount;
        _items = items;
        Items = Array.AsReadOnly(items);
        if (valueCount == 1 && items.Length == 1 && items[0].Offset == 0 && items[0].FieldSize == size)
            Single = items[0].Code;
        string bare = text.StartsWith('@') ? text[1..] : text;
        IsNativeSingleCharacter = mode == FormatMode.Native && bare.Length == 1 && Single is not null
            && Single.Kind is not (FormatValueKind.Bytes or FormatValueKind.PascalBytes);
    }

    /// <summary>The format string as given.</summary>
    public string Text { get; }

    /// <summary>The mode the prefix chose (<see cref="FormatMode.Native"/> when there is none).</summary>
    public FormatMode Mode { get; }

    /// <summary>The resolved byte order: true when values are stored least significant byte first.</summary>
    public bool LittleEndian { get; }

    /// <summary>Bytes the format occupies, including padding (<c>struct.calcsize</c>).</summary>
    public long Size { get; }

    /// <summary>How many values <see cref="Unpack(ReadOnlySpan{byte})"/> yields and <see cref="Pack"/> expects.</summary>
    public long ValueCount { get; }

    /// <summary>The runs of values in layout order; pad bytes have none.</summary>
    public IReadOnlyList<FormatItem> Items { get; }

    /// <summary>
    /// The row of the format's one value when the format is exactly one value filling all
    /// <see cref="Size"/> bytes (e.g. <c>"B"</c>, <c>"@d"</c>, <c>"&lt;i"</c>, <c>"3s"</c>, but not
    /// <c>"xB"</c> or <c>"2B"</c>); the value then is <c>Single.Unpack(source, LittleEndian)</c> over
    /// the whole <see cref="Size"/>-byte span. Null otherwise.
    /// </summary>
    public FormatCode? Single { get; }

    /// <summary>
    /// Whether the format is one native character with an optional leading <c>'@'</c> out of
    /// <c>c b B h H i I l L q Q n N f d e ? P</c>: CPython memoryview's rule for cast targets and
    /// for its unpacking fast path (<c>memoryobject.c</c> get_native_fmtchar).
    /// </summary>
    public bool IsNativeSingleCharacter { get; }

    /// <summary>Forgets every parsed format (the native sizes changed).</summary>
    internal static void ClearCache() => s_cache.Clear();

    /// <summary>Parses <paramref name="format"/>, returning a cached instance when it was seen before.</summary>
    /// <exception cref="BufferException">Kind <see cref="BufferErrorKind.Struct"/> with CPython's message when the format is invalid.</exception>
    public static StructFormat Parse(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (TryParse(format, out StructFormat? result, out string? error))
            return result;
        ThrowHelper.ThrowStruct(error);
        return null;
    }

    /// <summary>Parses <paramref name="format"/>; on failure returns false with CPython's message in <paramref name="error"/>.</summary>
    public static bool TryParse(string format, [NotNullWhen(true)] out StructFormat? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (s_cache.TryGetValue(format, out result))
        {
            error = null;
            return true;
        }

        if (!FormatParser.TryParse(format, out result, out error))
            return false;
        if (s_cache.Count >= CacheLimit)
            s_cache.Clear();
        result = s_cache.GetOrAdd(format, result);
        return true;
    }

    /// <summary>
    /// The size of <paramref name="format"/> (<c>struct.calcsize</c>); a native single character
    /// is answered from the table without parsing.
    /// </summary>
    /// <exception cref="BufferException">Kind <see cref="BufferErrorKind.Struct"/> when the format is invalid.</exception>
    public static long CalcSize(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        int start = format.Length == 2 && format[0] == '@' ? 1 : 0;
        if (format.Length == start + 1 && FormatTable.Find(format[start], FormatMode.Native) is { } code)
            return code.Size;
        return Parse(format).Size;
    }

    /// <summary>Decodes all <see cref="ValueCount"/> values (<c>struct.unpack</c>).</summary>
    /// <exception cref="BufferException">Kind Struct "unpack requires a buffer of N bytes" when the length is not <see cref="Size"/>.</exception>
    public object?[] Unpack(ReadOnlySpan<byte> source) => Unpack(source, ClrValueBoxer.Instance);

    /// <summary>Decodes every value as <see cref="Unpack(ReadOnlySpan{byte})"/> does, each through <paramref name="boxer"/>.</summary>
    public object?[] Unpack(ReadOnlySpan<byte> source, IValueBoxer boxer)
    {
        ArgumentNullException.ThrowIfNull(boxer);
        CheckUnpackLength(source);
        var values = new object?[ValueCount];
        long next = 0;
        foreach (FormatItem item in _items)
        {
            int offset = (int)item.Offset;
            int fieldSize = (int)item.FieldSize;
            for (long i = 0; i < item.Repeat; i++, offset += fieldSize)
                values[next++] = item.Code.Unpack(source.Slice(offset, fieldSize), LittleEndian, boxer);
        }

        return values;
    }

    /// <summary>
    /// Decodes the value a memoryview element holds: the value itself when the format has exactly
    /// one, otherwise all of them as an <c>object?[]</c> (a Python tuple).
    /// </summary>
    /// <exception cref="BufferException">Kind Struct "unpack requires a buffer of N bytes" when the length is not <see cref="Size"/>.</exception>
    public object? UnpackValue(ReadOnlySpan<byte> source) => UnpackValue(source, ClrValueBoxer.Instance);

    /// <summary>Decodes a memoryview element as <see cref="UnpackValue(ReadOnlySpan{byte})"/> does, through <paramref name="boxer"/>.</summary>
    public object? UnpackValue(ReadOnlySpan<byte> source, IValueBoxer boxer)
    {
        ArgumentNullException.ThrowIfNull(boxer);
        CheckUnpackLength(source);
        if (Single is not null)
            return Single.Unpack(source, LittleEndian, boxer);
        if (ValueCount != 1)
            return boxer.Tuple(Unpack(source, boxer));
        FormatItem item = _items[0];
        return item.Code.Unpack(source.Slice((int)item.Offset, (int)item.FieldSize), LittleEndian, boxer);
    }

    /// <summary>
    /// Encodes <paramref name="values"/> into <paramref name="destination"/>, zeroing padding
    /// (<c>struct.pack_into</c>). Nothing is written unless every value is accepted.
    /// </summary>
    /// <exception cref="BufferException">Kind Struct "pack expected N items for packing (got M)", or the error of the first rejected value.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="Size"/> bytes long.</exception>
    public void Pack(Span<byte> destination, ReadOnlySpan<object?> values)
    {
        if (!TryPack(destination, values, out FormatError error))
            throw error.ToException();
    }

    /// <summary><see cref="Pack"/> without throwing: false, with the first error and nothing written, when a value is refused.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="Size"/> bytes long.</exception>
    public bool TryPack(Span<byte> destination, ReadOnlySpan<object?> values, out FormatError error)
    {
        if (values.Length != ValueCount)
        {
            error = FormatError.Struct(FormatMessages.PackCount(ValueCount, values.Length));
            return false;
        }

        CheckPackLength(destination);

        byte[]? rented = null;
        Span<byte> scratch = Size <= StackScratchSize
            ? stackalloc byte[StackScratchSize]
            : (rented = ArrayPool<byte>.Shared.Rent((int)Size));
        scratch = scratch[..(int)Size];
        try
        {
            scratch.Clear();
            if (!TryPackItems(scratch, values, out error))
                return false;
            scratch.CopyTo(destination);
            return true;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Encodes a memoryview element: the value itself when the format has exactly one, otherwise
    /// an <c>object?[]</c> holding all of them. Nothing is written unless the value is accepted.
    /// </summary>
    /// <exception cref="BufferException">Kind Struct with CPython's message when the value is rejected.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="Size"/> bytes long.</exception>
    public void PackValue(Span<byte> destination, object? value)
    {
        if (!TryPackValue(destination, value, out FormatError error))
            throw error.ToException();
    }

    /// <summary><see cref="PackValue"/> without throwing: false, with the error and nothing written, when the value is refused.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="Size"/> bytes long.</exception>
    public bool TryPackValue(Span<byte> destination, object? value, out FormatError error)
    {
        if (Single is not null)
        {
            CheckPackLength(destination);
            return Single.TryPack(destination, value, LittleEndian, out error);
        }

        if (ValueCount == 1)
            return TryPack(destination, new ReadOnlySpan<object?>(in value), out error);
        if (value is object?[] values)
            return TryPack(destination, values, out error);
        error = FormatError.Struct(FormatMessages.PackCount(ValueCount, 1));
        return false;
    }

    /// <summary>
    /// Where a <c>struct.pack_into</c> at <paramref name="offset"/> starts in a buffer of
    /// <paramref name="bufferLength"/> bytes (a negative offset counts from the end), checked as
    /// CPython's <c>s_pack_into</c> does.
    /// </summary>
    /// <exception cref="BufferException">Kind Struct with CPython's message when the record does not fit.</exception>
    public long PackOffset(long bufferLength, long offset) => ResolveOffset(bufferLength, offset, packing: true);

    /// <summary>Where a <c>struct.unpack_from</c> at <paramref name="offset"/> starts, checked as CPython's <c>unpack_from</c> does.</summary>
    /// <exception cref="BufferException">Kind Struct with CPython's message when the record does not fit.</exception>
    public long UnpackOffset(long bufferLength, long offset) => ResolveOffset(bufferLength, offset, packing: false);

    /// <summary>How many records <c>struct.iter_unpack</c> reads from <paramref name="bufferLength"/> bytes.</summary>
    /// <exception cref="BufferException">Kind Struct when the format is empty or the length is not a multiple of <see cref="Size"/>.</exception>
    public long RecordCount(long bufferLength)
    {
        if (Size == 0)
            ThrowHelper.ThrowStruct(FormatMessages.IterateEmpty);
        if (bufferLength % Size != 0)
            ThrowHelper.ThrowStruct(FormatMessages.IterateMultiple(Size));
        return bufferLength / Size;
    }

    /// <summary>Checks that <c>struct.pack_into</c> got <see cref="ValueCount"/> values.</summary>
    /// <exception cref="BufferException">Kind Struct "pack_into expected N items for packing (got M)".</exception>
    public void CheckPackIntoCount(long count)
    {
        if (count != ValueCount)
            ThrowHelper.ThrowStruct(FormatMessages.PackIntoCount(ValueCount, count));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private long ResolveOffset(long bufferLength, long offset, bool packing)
    {
        if (offset < 0)
        {
            if (offset + Size > 0)
                ThrowHelper.ThrowStruct(packing ? FormatMessages.NoSpaceToPack(Size, offset) : FormatMessages.NotEnoughToUnpack(Size, offset));
            if (offset + bufferLength < 0)
                ThrowHelper.ThrowStruct(FormatMessages.OffsetOutOfRange(offset, bufferLength));
            offset += bufferLength;
        }

        if (bufferLength - offset < Size)
        {
            ThrowHelper.ThrowStruct(packing
                ? FormatMessages.PackIntoTooSmall(Size, offset, bufferLength)
                : FormatMessages.UnpackFromTooSmall(Size, offset, bufferLength));
        }

        return offset;
    }

    private bool TryPackItems(Span<byte> destination, ReadOnlySpan<object?> values, out FormatError error)
    {
        int next = 0;
        foreach (FormatItem item in _items)
        {
            int offset = (int)item.Offset;
            int fieldSize = (int)item.FieldSize;
            for (long i = 0; i < item.Repeat; i++, offset += fieldSize)
            {
                if (!item.Code.TryPack(destination.Slice(offset, fieldSize), values[next++], LittleEndian, out error))
                    return false;
            }
        }

        error = default;
        return true;
    }

    private void CheckUnpackLength(ReadOnlySpan<byte> source)
    {
        if (source.Length != Size)
            ThrowHelper.ThrowStruct(FormatMessages.UnpackSize(Size));
    }

    private void CheckPackLength(Span<byte> destination)
    {
        if (destination.Length != Size)
            throw new ArgumentException($"The destination must be {Size} bytes long for format '{Text}'.", nameof(destination));
    }
}
