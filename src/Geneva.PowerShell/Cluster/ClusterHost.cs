using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using Geneva.Core.Execution.Workers;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// Geneva.Cluster.Host, the executable that holds everything Orleans (module/bin/cluster, its own folder: Orleans never
/// loads into pwsh). The cluster cmdlets talk to a cluster only by starting it: node, dispatch, status and stop modes.
/// </summary>
internal static class ClusterHost
{
    public const string FolderName = "cluster";
    public const string DllName = "Geneva.Cluster.Host.dll";

    /// <summary>module/bin/cluster/Geneva.Cluster.Host.dll.</summary>
    public static string Dll => Path.Combine(TorchWorkerLocation.ModuleBin, FolderName, DllName);

    /// <summary>The host, or ClusterHostMissing.</summary>
    public static string Require() => File.Exists(Dll) ? Dll : throw new ClusterException("ClusterHostMissing",
        ErrorCategory.ResourceUnavailable,
        $"The cluster host '{Dll}' is missing: the module was built or installed without it (build.ps1 -Task Build puts it in bin/{FolderName}).",
        Dll);

    /// <summary>The host's environment variable for a membership database's connection string (never on a command line).</summary>
    public const string PostgresVariable = "GENEVA_CLUSTER_POSTGRES";

    /// <summary>
    /// Whether a -Cluster value names a deployed cluster by its membership database (a PostgreSQL connection string,
    /// key=value pairs) rather than a seed's host:port.
    /// </summary>
    public static bool IsDatabase(string address) => address.Contains('=');

    /// <summary>Points a host process at the cluster: --seed host:port, or the connection string in its environment.</summary>
    public static ProcessStartInfo Locate(ProcessStartInfo info, string address)
    {
        if (IsDatabase(address))
        {
            info.Environment[PostgresVariable] = address;
        }
        else
        {
            info.ArgumentList.Add("--seed");
            info.ArgumentList.Add(address);
        }
        return info;
    }

    /// <summary>A -Cluster value fit for messages: a connection string without its password.</summary>
    public static string Display(string address)
    {
        if (!IsDatabase(address))
        {
            return address;
        }
        if (ParseConnectionString(address) is not { } builder)
        {
            return "(a connection string)";
        }
        foreach (var key in new[] { "Password", "Pwd" })
        {
            if (builder.ContainsKey(key))
            {
                builder[key] = "***";
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>The database server's host:port of a connection string (Host, Port 5432 by default), or null.</summary>
    public static string? DatabaseServer(string connectionString)
    {
        if (ParseConnectionString(connectionString) is not { } builder)
        {
            return null;
        }
        if (!builder.TryGetValue("Host", out var host) && !builder.TryGetValue("Server", out host))
        {
            return null;
        }
        var first = host?.ToString()?.Split(',')[0].Trim();
        var port = builder.TryGetValue("Port", out var p) ? p?.ToString() : "5432";
        return string.IsNullOrEmpty(first) ? null : $"{first}:{port}";
    }

    /// <summary>A connection string's key=value pairs; null when it does not parse.</summary>
    private static System.Data.Common.DbConnectionStringBuilder? ParseConnectionString(string connectionString)
    {
        try
        {
            return new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>`dotnet Geneva.Cluster.Host.dll mode args`, stdin, stdout and stderr redirected.</summary>
    public static ProcessStartInfo StartInfo(string mode, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(DotNetWorkerLauncher.DotNetHostPath())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Require());
        info.ArgumentList.Add(mode);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    /// <summary>
    /// Runs status or stop against the cluster at <paramref name="address"/> and returns its JSON lines. Exit 2 (no
    /// cluster answers) is ClusterNotFound, and so is no answer within <paramref name="timeout"/> (the process is killed).
    /// </summary>
    public static IReadOnlyList<JsonElement> Query(string mode, string address, TimeSpan timeout, CancellationToken cancel)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(Locate(StartInfo(mode, ["--timeout", seconds]), address))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // The host bounds its own wait by --timeout; this bounds the process, start-up included.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bound.CancelAfter(timeout + TimeSpan.FromSeconds(20));
        try
        {
            process.WaitForExitAsync(bound.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancel.ThrowIfCancellationRequested();
            throw ClusterException.NotFound(address, $"'{mode}' had no answer within {timeout.TotalSeconds:0} s.");
        }
        var errors = Gist(stderr.GetAwaiter().GetResult());
        if (process.ExitCode == 2)
        {
            throw ClusterException.NotFound(address, errors);
        }
        if (process.ExitCode != 0)
        {
            throw new ClusterException("ClusterCommandFailed", ErrorCategory.InvalidOperation,
                $"The cluster host's '{mode}' failed with exit code {process.ExitCode}. {errors}".TrimEnd(), address);
        }
        var lines = new List<JsonElement>();
        foreach (var line in stdout.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(line);
                lines.Add(json.RootElement.Clone());
            }
        }
        return lines;
    }

    /// <summary>The nodes of the cluster at <paramref name="address"/>, dead ones included.</summary>
    public static IReadOnlyList<GenevaClusterNode> Status(string address, TimeSpan timeout, CancellationToken cancel) =>
        Query("status", address, timeout, cancel).Select(GenevaClusterNode.FromStatus).ToList();

    /// <summary>What matters of a host's stderr for an error message: an unhandled exception's first lines, else the last lines (Orleans logs much before).</summary>
    internal static string Gist(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var crash = Array.FindIndex(lines, l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal));
        return string.Join(" ", crash >= 0 ? lines.Skip(crash).Take(2) : lines.TakeLast(3));
    }
}
