using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Geneva.PowerShell;

/// <summary>
/// Lets native libraries shipped with the module (SQLite's <c>e_sqlite3</c>) load from
/// <c>runtimes/&lt;rid&gt;/native/</c> beside this assembly.
/// </summary>
/// <remarks>
/// The module is published without a runtime identifier so one folder serves every platform.
/// Such a publish leaves native libraries under <c>runtimes/&lt;rid&gt;/native/</c>; an application
/// finds them through its <c>.deps.json</c>, but pwsh never reads a module's <c>.deps.json</c>, so
/// without this resolver opening a <c>SqliteConnection</c> fails in its type initializer.
/// </remarks>
public sealed class GenevaModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object s_gate = new();

    /// <summary>Non-null while the resolver is registered with the default load context.</summary>
    private static Func<Assembly, string, IntPtr>? s_resolver;

    public void OnImport()
    {
        // Scriptblock UDFs need a runspace, which the engine does not know about: the module teaches it.
        Geneva.Core.Udfs.UdfRegistry.Register(new Udfs.ScriptBlockUdfFactory());
        lock (s_gate)
        {
            if (s_resolver is not null)
            {
                return;
            }

            string baseDirectory = Path.GetDirectoryName(typeof(GenevaModuleInitializer).Assembly.Location)
                ?? AppContext.BaseDirectory;
            IReadOnlyList<string> nativeDirectories = NativeDirectories(baseDirectory);
            s_resolver = (_, libraryName) => Resolve(nativeDirectories, libraryName);
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += s_resolver;
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (s_gate)
        {
            if (s_resolver is null)
            {
                return;
            }

            AssemblyLoadContext.Default.ResolvingUnmanagedDll -= s_resolver;
            s_resolver = null;
        }
    }

    private static IntPtr Resolve(IReadOnlyList<string> nativeDirectories, string libraryName)
    {
        foreach (string directory in nativeDirectories)
        {
            foreach (string fileName in CandidateFileNames(libraryName))
            {
                string path = Path.Combine(directory, fileName);
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle))
                {
                    return handle;
                }
            }
        }

        // Zero lets the runtime report its usual DllNotFoundException.
        return IntPtr.Zero;
    }

    /// <summary>
    /// Existing <c>runtimes/&lt;rid&gt;/native</c> folders, most specific first: the runtime's own RID
    /// (which is distro-specific on source-built .NET), then the portable RID NuGet packages use.
    /// </summary>
    private static IReadOnlyList<string> NativeDirectories(string baseDirectory)
    {
        var rids = new List<string> { RuntimeInformation.RuntimeIdentifier };
        rids.AddRange(PortableRids());

        var directories = new List<string>();
        foreach (string rid in rids.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string directory = Path.Combine(baseDirectory, "runtimes", rid, "native");
            if (Directory.Exists(directory))
            {
                directories.Add(directory);
            }
        }

        return directories;
    }

    private static IEnumerable<string> PortableRids()
    {
        string arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };

        if (OperatingSystem.IsWindows())
        {
            yield return $"win-{arch}";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return $"osx-{arch}";
        }
        else if (OperatingSystem.IsLinux())
        {
            if (IsMusl())
            {
                yield return $"linux-musl-{arch}";
            }

            yield return $"linux-{arch}";
        }
    }

    // Alpine and other musl systems need the linux-musl-* build; glibc's loader names itself ld-linux-*.
    private static bool IsMusl() =>
        RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase)
        || (Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any());

    /// <summary>File names to try for a DllImport name, which may or may not carry prefix and extension.</summary>
    private static IEnumerable<string> CandidateFileNames(string libraryName)
    {
        string name = Path.GetFileName(libraryName);
        (string prefix, string extension) = OperatingSystem.IsWindows() ? ("", ".dll")
            : OperatingSystem.IsMacOS() ? ("lib", ".dylib")
            : ("lib", ".so");

        bool hasExtension = name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)
            || name.Contains(extension + ".", StringComparison.OrdinalIgnoreCase);
        bool hasPrefix = prefix.Length > 0 && name.StartsWith(prefix, StringComparison.Ordinal);

        if (hasExtension)
        {
            yield return name;
            if (!hasPrefix && prefix.Length > 0)
            {
                yield return prefix + name;
            }
        }
        else
        {
            if (!hasPrefix && prefix.Length > 0)
            {
                yield return prefix + name + extension;
            }

            yield return name + extension;
        }
    }
}
