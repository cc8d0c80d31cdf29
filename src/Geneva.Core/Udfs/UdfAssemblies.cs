using System.Reflection;
using System.Runtime.Loader;

namespace Geneva.Core.Udfs;

/// <summary>
/// Loads UDF assemblies in a worker: each distinct file content in its own collectible
/// <see cref="UdfAssemblyLoadContext"/>, keyed by path and hash, so a pooled worker given a rebuilt
/// assembly at the same path loads the new code (and lets the old context go) instead of reusing the
/// copy Assembly.LoadFrom would have cached for the process's life.
/// </summary>
public static class UdfAssemblies
{
    private static readonly Lock s_gate = new();

    // path -> the context and assembly of the content last loaded from it.
    private static readonly Dictionary<string, (string Hash, UdfAssemblyLoadContext? Context, Assembly Assembly)> s_loaded =
        new(StringComparer.Ordinal);

    /// <summary>
    /// The assembly at <paramref name="assemblyPath"/> as its bytes are now. With <paramref name="expectedHash"/>,
    /// throws <see cref="GenevaErrorCode.UdfChanged"/> when the bytes read are not the ones the UDF was bound with.
    /// </summary>
    public static Assembly Load(string assemblyPath, string? expectedHash = null)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"UDF assembly '{full}' does not exist.", full);
        }
        var bytes = File.ReadAllBytes(full);
        var hash = UdfSourceHash.OfBytes(bytes);
        if (expectedHash is not null && hash != expectedHash)
        {
            throw new GenevaException(GenevaErrorCode.UdfChanged,
                $"UDF assembly '{full}' changed after the UDF was bound (its bytes now hash to {hash}, not {expectedHash}). " +
                "Define the UDF again from the rebuilt assembly and rebind the column, so the new code runs as a new version.", full);
        }
        lock (s_gate)
        {
            if (s_loaded.TryGetValue(full, out var loaded))
            {
                if (loaded.Hash == hash)
                {
                    return loaded.Assembly;
                }
                // Unloads once the old version's UDF instances are gone; it is never used again.
                loaded.Context?.Unload();
                s_loaded.Remove(full);
            }
            var assembly = AlreadyLoaded(full, bytes);
            UdfAssemblyLoadContext? context = null;
            if (assembly is null)
            {
                context = new UdfAssemblyLoadContext(full, hash);
                try
                {
                    using var stream = new MemoryStream(bytes, writable: false);
                    assembly = context.LoadFromStream(stream);
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException)
                {
                    context.Unload();
                    throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"'{full}' is not a loadable .NET assembly: {e.Message}", full, e);
                }
            }
            s_loaded[full] = (hash, context, assembly);
            return assembly;
        }
    }

    /// <summary>
    /// The same compilation already in the default context (a host that references the UDF assembly,
    /// as the engine's tests do): use it, so the host and the UDF share its types and statics.
    /// </summary>
    private static Assembly? AlreadyLoaded(string path, byte[] bytes)
    {
        var candidates = AssemblyLoadContext.Default.Assemblies
            .Where(a => !a.IsDynamic && string.Equals(a.Location, path, StringComparison.Ordinal)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(bytes, writable: false));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        return candidates.FirstOrDefault(a => a.ManifestModule.ModuleVersionId == mvid);
    }
}
