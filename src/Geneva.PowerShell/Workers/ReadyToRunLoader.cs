using System.Reflection;
using System.Runtime.Loader;

namespace Geneva.PowerShell.Workers;

/// <summary>
/// Loads this platform's ReadyToRun images of the module's libraries (<see cref="ReadyToRunFolder"/>) into the
/// default load context before anything binds them, so Geneva.Core and its libraries run without JIT in the session.
/// Called by Geneva.ReadyToRun.psm1 before the root module is imported; touches no Geneva.Core type itself, since
/// Core must not load before its ReadyToRun image does.
/// </summary>
public static class ReadyToRunLoader
{
    /// <summary>Loads what <paramref name="bin"/>'s platform folder holds; returns how many assemblies it loaded.</summary>
    public static int Load(string bin)
    {
        var folder = Path.Combine(bin, ReadyToRunFolder.PlatformName);
        if (!File.Exists(Path.Combine(folder, "Geneva.Core.dll")))
        {
            return 0;
        }
        // Never a second copy of an assembly the process has (pwsh's own, or one loaded already): those bind as before.
        var have = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator))
        {
            have.Add(Path.GetFileNameWithoutExtension(path));
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            have.Add(assembly.GetName().Name ?? "");
        }
        var loaded = 0;
        foreach (var dll in Directory.GetFiles(folder, "*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(dll);
            if (name is "Geneva.PowerShell" or "Geneva.Worker" || have.Contains(name))
            {
                continue;
            }
            try
            {
                AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
                loaded++;
            }
            catch (Exception e) when (e is FileLoadException or BadImageFormatException)
            {
                // It stays the portable build in bin/.
            }
        }
        return loaded;
    }
}
