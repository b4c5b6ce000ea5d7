// A fresh IronPython engine with the standard library (copied beside the test assembly by the
// IronPython.StdLib package) and newbuffer loaded, the way a C# host sets one up.
using System;
using System.IO;
using IronPython.Hosting;
using Microsoft.Scripting.Hosting;

namespace NewBuffer.IronPython.Tests;

internal static class PythonEngines
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PythonTests => Path.Combine(RepositoryRoot, "tests", "python");

    public static ScriptEngine Create(TextWriter output)
    {
        ScriptEngine engine = Python.CreateEngine();
        var paths = engine.GetSearchPaths();
        paths.Add(Path.Combine(AppContext.BaseDirectory, "lib"));
        paths.Add(PythonTests);
        engine.SetSearchPaths(paths);
        var stream = new TextWriterStream(output);
        engine.Runtime.IO.SetOutput(stream, System.Text.Encoding.UTF8);
        engine.Runtime.IO.SetErrorOutput(stream, System.Text.Encoding.UTF8);
        NewBufferModule.Load(engine);
        return engine;
    }

    private static string FindRoot()
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

    /// <summary>Lets the engine write into NUnit's output.</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => writer.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => writer.Write(System.Text.Encoding.UTF8.GetString(buffer, offset, count));
    }
}
