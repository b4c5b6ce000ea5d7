// Loads the shared invalid-view corpus (tests/corpus/invalid_views.json) from the repository, so
// the core tests and the Python tests read one list of cases.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace NewBuffer.Tests.Support;

internal static class InvalidViewCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusCase>> s_cases = new(() => Load());

    public static IReadOnlyList<CorpusCase> Cases => s_cases.Value;

    public static string Path { get; } = Repository.PathOf("tests", "corpus", "invalid_views.json");

    /// <summary>The cases a BufferView can express.</summary>
    public static IEnumerable<CorpusCase> CoreCases => Cases.Where(c => c.IsCore);

    private static List<CorpusCase> Load()
    {
        var root = (JsonObject)JsonNode.Parse(File.ReadAllText(Path))!;
        var defaults = (JsonObject)root["default"]!;
        return ((JsonArray)root["cases"]!).Select(c => new CorpusCase((JsonObject)c!, defaults)).ToList();
    }
}
