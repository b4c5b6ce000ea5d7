// The pure-Python submodules of newbuffer (newbuffer.testing and the private modules it is built
// from). Their source is embedded in this assembly, so every install route - the NuGet package's
// C# host, clr.AddReference, IronPython's DLLs folder - has them without files on sys.path.
//
// Loading `newbuffer` makes it a package (an empty __path__) and puts one SubmoduleLoader on
// sys.meta_path. IronPython 3.4's importer asks meta-path finders with PEP 302's
// find_module/load_module, so a submodule is compiled the first time it is imported and
// `import newbuffer` costs what it did before. Resources are named by what they hold:
// "newbuffer/<module>.py" for a module's source, "newbuffer/data/<name>" for data files a module
// reads with __loader__.get_data(name) (pkgutil.get_data's protocol).
using System;
using System.IO;
using System.Reflection;
using IronPython.Modules;
using IronPython.Runtime;
using IronPython.Runtime.Operations;

namespace NewBuffer.IronPython;

/// <summary>Imports newbuffer's pure-Python submodules from this assembly's resources (a PEP 302 finder and loader).</summary>
public sealed class SubmoduleLoader
{
    private const string Package = "newbuffer";
    private static readonly Assembly s_assembly = typeof(SubmoduleLoader).Assembly;

    private SubmoduleLoader()
    {
    }

    /// <summary>Marks <paramref name="module"/> a package and puts one loader on the context's <c>sys.meta_path</c>.</summary>
    internal static void Install(PythonContext context, PythonDictionary module)
    {
        module["__path__"] = new PythonList();
        if (!context.SystemState.Get__dict__().TryGetValue("meta_path", out object? value) || value is not PythonList metaPath)
        {
            return;
        }

        foreach (object? finder in metaPath)
        {
            if (finder is SubmoduleLoader)
            {
                return;
            }
        }

        metaPath.append(new SubmoduleLoader());
    }

    /// <summary>This loader if <paramref name="fullname"/> is one of the embedded submodules, else None.</summary>
    public object? find_module(string fullname, object? path = null) =>
        Source(fullname) is null ? null : this;

    /// <summary>Compiles and runs the submodule's source into a new module registered in <c>sys.modules</c>.</summary>
    public object load_module(CodeContext context, string fullname)
    {
        var modules = (PythonDictionary)context.LanguageContext.SystemState.Get__dict__()["modules"];
        if (modules.TryGetValue(fullname, out object? existing))
        {
            return existing;
        }

        string source = Source(fullname) ?? throw PythonOps.ImportError("No module named '{0}'", fullname);
        var module = new PythonModule();
        PythonDictionary dict = module.Get__dict__();
        dict["__name__"] = fullname;
        dict["__package__"] = Package;
        dict["__loader__"] = this;
        modules[fullname] = module;
        try
        {
            var code = (FunctionCode)Builtin.compile(context, source, "<" + fullname + ">", "exec");
            Builtin.exec(context, code, dict);
        }
        catch
        {
            modules.Remove(fullname);
            throw;
        }

        if (modules.TryGetValue(Package, out object? parent) && parent is PythonModule package)
        {
            package.Get__dict__()[fullname[(Package.Length + 1)..]] = module;
        }

        return module;
    }

    /// <summary>The bytes of an embedded data file, as <c>pkgutil.get_data</c> expects of a loader.</summary>
    public Bytes get_data(string path)
    {
        using Stream stream = s_assembly.GetManifestResourceStream(Package + "/data/" + path)
            ?? throw PythonOps.OSError("newbuffer has no data file '{0}'", path);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new Bytes(copy.ToArray());
    }

    public string __repr__() => "<newbuffer submodule loader>";

    private static string? Source(string fullname)
    {
        if (!fullname.StartsWith(Package + ".", StringComparison.Ordinal))
        {
            return null;
        }

        using Stream? stream = s_assembly.GetManifestResourceStream(Package + "/" + fullname[(Package.Length + 1)..] + ".py");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
