using System.Reflection;
using System.Runtime.Loader;

namespace Geneva.Core.Udfs;

/// <summary>
/// A collectible load context for one version of one UDF assembly (<see cref="UdfAssemblies"/>). The
/// assembly is loaded from bytes read once (and hashed), so the file may be rebuilt meanwhile without
/// mixing versions. Its dependencies come from the default context when it has them (Geneva.Core,
/// Apache.Arrow, TorchSharp: the contracts must be the host's types), else from the UDF's folder.
/// </summary>
internal sealed class UdfAssemblyLoadContext : AssemblyLoadContext
{
    private readonly string _folder;

    public UdfAssemblyLoadContext(string assemblyPath, string hash)
        : base($"Geneva UDF {Path.GetFileName(assemblyPath)} {hash}", isCollectible: true)
    {
        _folder = Path.GetDirectoryName(assemblyPath)!;
    }

    protected override Assembly? Load(AssemblyName name)
    {
        try
        {
            return Default.LoadFromAssemblyName(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
        }
        var path = Path.Combine(_folder, name.Name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }
        using var file = File.OpenRead(path);
        return LoadFromStream(file);
    }
}
