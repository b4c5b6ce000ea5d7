// Where the repository is, for tests that read shared files (the corpus, CPython tables, the oracle).
using System;
using System.IO;

namespace NewBuffer.Tests.Support;

internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runtime.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Runtime.sln not found above " + AppContext.BaseDirectory);
    }
}
