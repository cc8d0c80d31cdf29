using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Geneva.Cluster.Node;

/// <summary>
/// A .NET UDF's private dependencies: the assemblies it references that sit beside it in its folder (a user's
/// bin folder), which a worker loads from the UDF's folder (UdfAssemblyLoadContext). A node that runs a fetched
/// copy of the UDF needs them beside the copy; the dispatcher serves only assemblies from a UDF's own folder.
/// </summary>
public static class UdfDependencies
{
    /// <summary>Whether a UDF file is an assembly whose folder may hold its dependencies.</summary>
    public static bool IsAssembly(string path) => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The assembly a reference names, in the folder of <paramref name="assembly"/> (split on either separator:
    /// the dispatcher's paths may be another OS's); null for a name that is no plain file name.
    /// </summary>
    public static string? Beside(string assembly, string referenceName)
    {
        if (referenceName.Length == 0 || referenceName is "." or ".." ||
            referenceName.IndexOfAny(['/', '\\']) >= 0 || referenceName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return null;
        }
        return assembly[..(assembly.LastIndexOfAny(['/', '\\']) + 1)] + referenceName + ".dll";
    }

    /// <summary>
    /// The simple names of the assemblies this one references, less the shared framework's (System.Runtime and
    /// the like, never in a UDF's folder): not an assembly, or unreadable, references nothing.
    /// </summary>
    public static IReadOnlyList<string> ReferencesOf(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return [];
            }
            var metadata = pe.GetMetadataReader();
            var framework = RuntimeEnvironment.GetRuntimeDirectory();
            return metadata.AssemblyReferences
                .Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))
                .Where(name => !File.Exists(Path.Combine(framework, name + ".dll")))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
        catch (BadImageFormatException)
        {
            return [];
        }
    }
}
