// One case of the invalid-view corpus (tests/corpus/invalid_views.json, whose "about" describes the
// fields), and how the core tests build it: a BufferView over guarded blocks, with suboffset
// pointers written into the main block. Python builds the same case as a BufferMixin exporter.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.Tests.Support;

public sealed class CorpusCase
{
    /// <summary>An address no block holds (the first page is never mapped).</summary>
    public const long UnknownAddress = 0x1000;

    private static readonly Dictionary<string, BufferFlags> s_flags = new(StringComparer.Ordinal)
    {
        ["SIMPLE"] = BufferFlags.Simple,
        ["ND"] = BufferFlags.ND,
        ["STRIDES"] = BufferFlags.Strides,
        ["C_CONTIGUOUS"] = BufferFlags.CContiguous,
        ["F_CONTIGUOUS"] = BufferFlags.FContiguous,
        ["ANY_CONTIGUOUS"] = BufferFlags.AnyContiguous,
        ["RECORDS_RO"] = BufferFlags.RecordsRO,
        ["RECORDS"] = BufferFlags.Records,
        ["FULL_RO"] = BufferFlags.FullRO,
        ["FULL"] = BufferFlags.Full,
    };

    private static readonly Dictionary<string, BufferErrorKind> s_kinds = new(StringComparer.Ordinal)
    {
        ["ValueError"] = BufferErrorKind.Value,
        ["BufferError"] = BufferErrorKind.Buffer,
        ["TypeError"] = BufferErrorKind.Type,
        ["IndexError"] = BufferErrorKind.Index,
        ["OverflowError"] = BufferErrorKind.Overflow,
        ["NotImplementedError"] = BufferErrorKind.NotImplemented,
        ["MemoryError"] = BufferErrorKind.Memory,
    };

    private readonly JsonObject _json;
    private readonly JsonObject _view;

    public CorpusCase(JsonObject json, JsonObject defaults)
    {
        _json = json;
        Name = (string)json["name"]!;
        _view = (JsonObject)defaults["view"]!.DeepClone();
        if (json["view"] is JsonObject overrides)
        {
            foreach ((string key, JsonNode? value) in overrides)
            {
                _view[key] = value?.DeepClone();
            }
        }

        Memory = (long?)json["memory"] ?? (long)defaults["memory"]!;
        Flags = json["flags"] is JsonNode f ? s_flags[(string)f!] : BufferFlags.FullRO;
        Accepted = (bool?)json["accepted"] ?? false;
        Rule = (string?)json["rule"];
        Message = (string?)json["message"];
        Kind = json["error"] is JsonNode e && s_kinds.TryGetValue((string)e!, out BufferErrorKind kind) ? kind : null;
    }

    public string Name { get; }

    public long Memory { get; }

    public BufferFlags Flags { get; }

    /// <summary>True for a view that keeps the rules (hostile, not invalid): consumers accept it.</summary>
    public bool Accepted { get; }

    /// <summary>The ViewRule the verifier reports, by name.</summary>
    public string? Rule { get; }

    /// <summary>The message after the consumer's name.</summary>
    public string? Message { get; }

    public BufferErrorKind? Kind { get; }

    /// <summary>Cases a BufferView can express: no exporter behaviour, not limited to Python.</summary>
    public bool IsCore => _json["behavior"] is null
        && (_json["levels"] is not JsonArray levels || levels.Any(l => (string?)l == "core"));

    /// <summary>The operations an accepted case lists: (operation, argument, expected).</summary>
    public IEnumerable<(string Op, JsonNode? Argument, JsonNode? Expected)> Ops =>
        (_json["ops"] as JsonArray ?? []).Select(o => ((string)o![0]!, o[1], o[2]));

    public static BufferErrorKind KindOf(string pythonError) => s_kinds[pythonError];

    /// <summary>Builds the view over blocks from <paramref name="arena"/>.</summary>
    public BufferView Build(GuardedArena arena)
    {
        MemoryBlock main = arena.Allocate(Pattern(Memory, 1));
        var rows = new List<MemoryBlock>();
        foreach (JsonNode? size in _json["rows"] as JsonArray ?? [])
        {
            rows.Add(arena.Allocate(Pattern((long)size!, 0x81 + (rows.Count * 0x20))));
        }

        foreach (JsonNode? pointer in _json["pointers"] as JsonArray ?? [])
        {
            long at = (long)pointer!["at"]!;
            long offset = (long?)pointer["offset"] ?? 0;
            string? target = (string?)pointer["target"];
            BufferPointer place = main.At(at);
            switch (target)
            {
                case "null":
                    WriteRaw(place, 0);
                    break;
                case "unknown":
                    WriteRaw(place, UnknownAddress);
                    break;
                case "main":
                    MemoryRegistry.WritePointer(place, main.At(offset));
                    break;
                default:
                    MemoryRegistry.WritePointer(place, rows[(int)pointer["row"]!].At(offset));
                    break;
            }
        }

        JsonNode? buf = _view["buf"];
        return BufferView.Create(
            obj: null,
            buf: buf is null ? default : main.At((long)buf),
            len: (long)_view["len"]!,
            itemSize: (long)_view["itemsize"]!,
            readOnly: (bool)_view["readonly"]!,
            ndim: (int)_view["ndim"]!,
            format: (string?)_view["format"],
            shape: Longs(_view["shape"]),
            strides: Longs(_view["strides"]),
            suboffsets: Longs(_view["suboffsets"]));
    }

    public override string ToString() => Name;

    private static long[]? Longs(JsonNode? node) => node is JsonArray array ? array.Select(n => (long)n!).ToArray() : null;

    /// <summary>Distinct bytes, so misplaced reads show: byte i holds first + i.</summary>
    private static byte[] Pattern(long length, int first)
    {
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(first + i);
        }

        return bytes;
    }

    private static void WriteRaw(BufferPointer at, long address)
    {
        Span<byte> bytes = at.Slice(MemoryRegistry.PointerSize);
        if (MemoryRegistry.PointerSize == 8)
        {
            BitConverter.TryWriteBytes(bytes, address);
        }
        else
        {
            BitConverter.TryWriteBytes(bytes, (int)address);
        }
    }
}
