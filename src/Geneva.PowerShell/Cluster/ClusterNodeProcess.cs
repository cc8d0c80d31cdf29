using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using Geneva.PowerShell.Workers;

namespace Geneva.PowerShell.Cluster;

/// <summary>
/// A `node` process this session started: its ready line, its log lines (stderr, kept as a short tail for errors and
/// handed to <see cref="Log"/> when set), and the means to ask it to leave or to kill it. Its stdin stays open as long
/// as this object lives: the node runs with --stop-on-stdin-close, so it goes when this session does.
/// </summary>
internal sealed class ClusterNodeProcess
{
    private const int TailLines = 20;

    private readonly Process _process;
    private readonly TaskCompletionSource<GenevaClusterNode> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _tail = new();

    private ClusterNodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool Exited => _process.HasExited;

    /// <summary>Where log lines go as they come (a cmdlet's queue); they are always kept in the tail too.</summary>
    public BlockingCollection<string>? Log { get; init; }

    /// <summary>Completes when the node has joined and said so, or fails when it exits first.</summary>
    public Task<GenevaClusterNode> Ready => _ready.Task;

    /// <summary>The node's last log lines, for an error message.</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    /// <summary>Starts `node` with the options every node this module starts gets.</summary>
    public static ClusterNodeProcess Start(string name, int slots, int gpus, string? seed, string? listenAddress,
        BlockingCollection<string>? log = null)
    {
        var info = ClusterHost.StartInfo("node", NodeArguments(name, slots, gpus, listenAddress));
        if (seed is not null)
        {
            ClusterHost.Locate(info, seed);
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new ClusterNodeProcess(name, process) { Log = log };
        process.ErrorDataReceived += (_, e) => node.OnLog(e.Data);
        process.OutputDataReceived += (_, e) => node.OnOutput(e.Data);
        process.Exited += (_, _) => node._ready.TrySetException(new ClusterException("ClusterStartFailed",
            ErrorCategory.OpenError, $"Node '{name}' exited with code {process.ExitCode} before it joined. {node.Tail}".TrimEnd(), name));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ClusterException("ClusterStartFailed", ErrorCategory.OpenError,
                $"Node '{name}' could not start: {e.Message}", name, e);
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return node;
    }

    private static List<string> NodeArguments(string name, int slots, int gpus, string? listenAddress)
    {
        var args = new List<string>
        {
            "--name", name, "--slots", slots.ToString(CultureInfo.InvariantCulture),
            "--gpus", gpus.ToString(CultureInfo.InvariantCulture),
            "--silo-port", "0", "--gateway-port", "0",
            "--worker-bin", TorchWorkerLocation.ModuleBin,
            "--stop-on-stdin-close",
        };
        if (listenAddress is not null)
        {
            args.AddRange(["--host", listenAddress]);
        }
        var (pwsh, pwshDll) = PwshWorkerLauncher.PwshExecutable();
        args.AddRange(["--pwsh", pwsh]);
        if (pwshDll is not null)
        {
            args.AddRange(["--pwsh-dll", pwshDll]);
        }
        if (TorchWorkerLocation.Find() is { } torch)
        {
            args.AddRange(["--torch-worker", Path.GetDirectoryName(torch)!]);
        }
        return args;
    }

    private void OnOutput(string? line)
    {
        if (line is null || !line.StartsWith('{'))
        {
            OnLog(line);
            return;
        }
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("type", out var type) && type.GetString() == "ready")
            {
                _ready.TrySetResult(GenevaClusterNode.FromReady(json.RootElement));
                return;
            }
        }
        catch (JsonException)
        {
        }
        OnLog(line);
    }

    private void OnLog(string? line)
    {
        if (line is null)
        {
            return;
        }
        _tail.Enqueue(line);
        while (_tail.Count > TailLines && _tail.TryDequeue(out _))
        {
        }
        if (Log is { } log)
        {
            try
            {
                if (!log.IsAddingCompleted)
                {
                    log.Add($"{Name}: {line}");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                // Completed (or disposed) meanwhile: the cmdlet has stopped listening. This runs on the process's
                // reader thread, where an exception would end the whole session.
            }
        }
    }

    /// <summary>Waits for the ready line; ClusterStartFailed when the node exits first or takes longer than <paramref name="timeout"/>.</summary>
    public GenevaClusterNode WaitReady(TimeSpan timeout, CancellationToken cancel)
    {
        try
        {
            return Ready.WaitAsync(timeout, cancel).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new ClusterException("ClusterStartFailed", ErrorCategory.OperationTimeout,
                $"Node '{Name}' did not join within {timeout.TotalSeconds:0} s. {Tail}".TrimEnd(), Name);
        }
    }

    /// <summary>Asks the node to leave the cluster (SIGINT, or stdin closed on Windows).</summary>
    public void AskToLeave()
    {
        if (!Exited)
        {
            ProcessSignals.AskToLeave(_process);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the node to exit; true when it has.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    /// <summary>Kills the node and its slot workers.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
