using System.Diagnostics;
using System.Text.Json;

namespace Geneva.Cluster.Tests;

/// <summary>Real Geneva.Cluster.Host processes (built beside the tests), killed at the end of a test.</summary>
public sealed class HostProcesses : IDisposable
{
    private readonly List<Process> _started = [];

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "Geneva.Cluster.Host.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(Geneva.Core.Execution.Workers.DotNetWorkerLauncher.DotNetHostPath())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>Starts a node and waits (bounded) for its ready line.</summary>
    public (Process Process, JsonElement Ready) Node(string name, int slots, string? seed = null, params string[] more)
    {
        var args = new List<string> { "node", "--name", name, "--slots", slots.ToString(), "--worker-bin", AppContext.BaseDirectory,
            "--stop-on-stdin-close" };
        if (seed is not null)
        {
            args.AddRange(["--seed", seed]);
        }
        args.AddRange(more);
        var process = Process.Start(StartInfo([.. args]))!;
        _started.Add(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"Node {name} exited before it was ready.");
        return (process, JsonDocument.Parse(line).RootElement.Clone());
    }

    /// <summary>Runs a short mode (status, stop) to its end, bounded; returns exit code and stdout lines.</summary>
    public static (int ExitCode, List<string> Lines, string Errors) Run(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Geneva.Cluster.Host {string.Join(' ', args)} did not end in 60 s.");
        }
        return (process.ExitCode, output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList(), errors.Result);
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }
}
