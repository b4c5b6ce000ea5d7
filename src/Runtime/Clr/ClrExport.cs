// .NET memory as PEP 3118 exporters, zero-copy: arrays of the primitive types in ClrElementFormats
// (any rank: a T[,] is row-major, so its shape is its lengths and its strides are C-contiguous),
// Memory<T>, ReadOnlyMemory<T> (read-only) and ArraySegment<T> of those types, SafeBuffers and
// memory-mapped view accessors (sized by their capacity), and native blocks a C# caller vouches for
// (NativeBlockExport). This is the one place that decides which .NET objects have a buffer; a host
// asks it and wraps nothing itself.
//
// Memory is pinned only while exported: each request pins (a GCHandle, Memory<T>.Pin, or
// SafeBuffer.AcquirePointer, which also keeps the handle from closing) and its release unpins and
// makes the block's address unresolvable. The pin travels in the view's Internal field, so one
// exporter object serves any number of concurrent requests.
using System;
using System.Collections.Concurrent;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.Clr;

/// <summary>Exporters over .NET memory: the one call a C# host makes to hand an array, a Memory&lt;T&gt; or a native block to a consumer.</summary>
public static class ClrExport
{
    private static readonly ConcurrentDictionary<Type, Func<object, IBufferExporter>?> s_memoryFactories = new();
    private static readonly ConcurrentDictionary<Type, string> s_typeNames = new();

    /// <summary>An exporter over <paramref name="source"/>'s own memory, or null when it has none newbuffer can export.</summary>
    public static IBufferExporter? TryCreate(object? source) => source switch
    {
        null => null,
        IBufferExporter exporter => exporter,
        Array array => ArrayExporter.TryCreate(array),
        SafeBuffer buffer => new SafeBufferExporter(buffer),
        MemoryMappedViewAccessor accessor => new SafeBufferExporter(accessor),
        _ when source.GetType().IsGenericType => MemoryFactory(source.GetType())?.Invoke(source),
        _ => null,
    };

    /// <summary>Whether <see cref="TryCreate"/> answers an exporter for <paramref name="source"/> (it decides; the exporter
    /// it makes here is one small object and holds nothing).</summary>
    public static bool IsExportable(object? source) => TryCreate(source) is not null;

    /// <summary>An exporter over <paramref name="source"/>'s own memory.</summary>
    /// <exception cref="ArgumentException">The object has no memory newbuffer can export (the message says why).</exception>
    public static IBufferExporter Create(object source) =>
        TryCreate(source) ?? throw new ArgumentException(Refusal(source) ?? $"{TypeName(source.GetType())} has no exportable memory", nameof(source));

    /// <summary>Why a .NET array or memory of <paramref name="source"/>'s type cannot be exported, or null when it is not one.</summary>
    public static string? Refusal(object? source)
    {
        Type? element = source switch
        {
            Array array => array.GetType().GetElementType(),
            _ when source?.GetType() is { IsGenericType: true } type && IsMemoryType(type.GetGenericTypeDefinition()) => type.GetGenericArguments()[0],
            _ => null,
        };
        if (element is null || ClrElementFormats.TryGet(element, out _, out _))
        {
            return null;
        }

        string name = TypeName(source!.GetType());
        return element.IsArray
            ? $"a jagged array ({name}) is not one block of memory; export each row, or use a multi-dimensional array"
            : $"{name}: elements of type {element.Name} have no struct format (exported: primitive numbers, bool, char)";
    }

    /// <summary>An exporter over <paramref name="length"/> bytes at <paramref name="pointer"/>, as items of <paramref name="format"/>.</summary>
    /// <remarks>See <see cref="NativeBlockExport"/> for the lifetime contract.</remarks>
    public static NativeBlockExport FromPointer(nint pointer, long length, object? owner, bool readOnly = false, string format = "B") =>
        new(pointer, length, owner, readOnly, format);

    /// <summary>The display name of a .NET type in messages: <c>Int32[,]</c>, <c>Memory&lt;Double&gt;</c>; made once per type,
    /// since every request passes it to the answer as its messages' prefix.</summary>
    internal static string TypeName(Type type) => s_typeNames.GetOrAdd(type, static type => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", Array.ConvertAll(type.GetGenericArguments(), TypeName))}>"
        : type.Name);

    private static bool IsMemoryType(Type definition) =>
        definition == typeof(Memory<>) || definition == typeof(ReadOnlyMemory<>) || definition == typeof(ArraySegment<>);

    private static Func<object, IBufferExporter>? MemoryFactory(Type type) => s_memoryFactories.GetOrAdd(type, static type =>
    {
        if (!IsMemoryType(type.GetGenericTypeDefinition()) || !ClrElementFormats.TryGet(type.GetGenericArguments()[0], out _, out _))
        {
            return null;
        }

        var create = typeof(MemoryExporter<>).MakeGenericType(type.GetGenericArguments()[0]).GetMethod(nameof(MemoryExporter<byte>.Create))!;
        return create.CreateDelegate<Func<object, IBufferExporter>>();
    });

    /// <summary>Answers <paramref name="flags"/> with a C-contiguous view of <paramref name="shape"/> over a pinned block, and keeps <paramref name="pin"/> for the release.</summary>
    internal static void Answer(BufferView view, object obj, PinnedBlock pin, ReadOnlySpan<long> shape, int itemSize, string format, bool readOnly, BufferFlags flags, string who)
    {
        try
        {
            BufferAnswer.FillFrom(view, obj, pin.Block.At(0), ViewLayout.Contiguous(itemSize, shape), format, readOnly, flags, who);
            view.Internal = pin;
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }
}

/// <summary>A block over pinned memory and the pin that keeps it there; disposing unpins and makes the block's address unresolvable.</summary>
internal sealed class PinnedBlock : IDisposable
{
    private IDisposable? _pin;

    public PinnedBlock(nint pointer, long length, object owner, IDisposable pin)
    {
        Block = new NativeMemoryBlock(pointer, length, owner);
        _pin = pin;
    }

    public NativeMemoryBlock Block { get; }

    public static PinnedBlock Of(BufferView view) =>
        view.Internal as PinnedBlock ?? throw new InvalidOperationException("A view released by an exporter that did not fill it.");

    public void Dispose()
    {
        if (_pin is { } pin)
        {
            _pin = null;
            if (Block.HasAddress)
            {
                MemoryRegistry.Forget(Block);
            }

            pin.Dispose();
        }
    }
}
