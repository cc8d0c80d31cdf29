using System.Collections.Concurrent;
using System.Diagnostics;
using Geneva.Cluster.Grains;
using Geneva.Cluster.Placement;
using Geneva.Core;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Udfs;
using Geneva.Torch.Launch;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Geneva.Cluster.Node;

/// <summary>
/// A worker node's slots (one per silo, behind its slot grains): starts and keeps a local worker process
/// per slot (and kind of UDF), runs the tasks dispatchers send, and sends each dispatcher its receipts,
/// done and failed lines in order, or "lost" when the worker process ended with the task.
/// </summary>
public sealed class NodeRuntime : IDisposable
{
    private readonly NodeOptions _options;
    private readonly IGrainFactory _grains;
    private readonly ILogger _log;
    private readonly UdfFileCache _udfs;
    private readonly Lock _gate = new();
    private readonly List<SlotWorker> _workers = [];
    private readonly Dictionary<int, Running> _running = [];
    private readonly ConcurrentDictionary<string, Reporter> _reporters = new();
    private int _nextLocal;
    private long _completed;
    private bool _stopped;

    public NodeRuntime(NodeOptions options, IGrainFactory grains, ILogger<NodeRuntime> log)
    {
        _options = options;
        _grains = grains;
        _log = log;
        _udfs = new UdfFileCache(options.UdfCache, options.FetchUdfFiles);
    }

    public NodeOptions Options => _options;

    /// <summary>Set by the host: what a <c>stop</c> from the cluster does (leave the cluster).</summary>
    public Action? LeaveRequested { get; set; }

    public int RunningTasks
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    public long CompletedTasks => Interlocked.Read(ref _completed);

    /// <summary>Process ids of the local worker processes (tests kill one).</summary>
    public IReadOnlyList<int> WorkerProcessIds
    {
        get
        {
            lock (_gate)
            {
                return _workers.Where(w => !w.Exited).Select(w => w.ProcessId).ToList();
            }
        }
    }

    public async Task Start(int slot, SlotAssignment assignment)
    {
        var message = WorkerMessage.TryParse(assignment.TaskLine) is { Type: WorkerMessage.Task, Spec: not null } m
            ? m
            : throw new ArgumentException("The assignment holds no task line.", nameof(assignment));
        var dispatcher = _grains.GetGrain<IDispatcherGrain>(assignment.Dispatcher);
        var spec = message.Spec!;
        try
        {
            // A node that lacks the UDF's file, or has other bytes under its name, runs a copy fetched from the dispatcher.
            var udf = await _udfs.Resolve(spec.Udf, (path, offset, count) => dispatcher.ReadUdf(path, offset, count));
            spec = spec with { Udf = udf };
        }
        catch (Exception e)
        {
            Reporter(assignment.Dispatcher).Report(assignment.DispatchId, Failure(e));
            return;
        }
        lock (_gate)
        {
            if (_stopped)
            {
                throw new InvalidOperationException($"Node {_options.Name} is leaving the cluster.");
            }
            var info = Launch(spec.Udf, slot, assignment.Instances);
            var key = WorkerLaunchKey.Of(info);
            var worker = _workers.FirstOrDefault(w => w.Slot == slot && w.LaunchKey == key && !w.Exited);
            if (worker is null)
            {
                // One warm worker per slot: an idle one of another kind (or environment) makes way.
                foreach (var idle in _workers.Where(w => w.Slot == slot && _running.Values.All(r => r.Worker != w)).ToList())
                {
                    _workers.Remove(idle);
                    _ = Task.Run(idle.Stop);
                }
                worker = SlotWorker.Start(info, slot, key, OnMessage, OnExit);
                _workers.Add(worker);
                _log.LogInformation("Slot {Slot} started worker process {Pid}.", slot, worker.ProcessId);
            }
            if (worker.Exited)
            {
                // It died before the task was ours to report lost: fail the call, so the dispatcher re-sends.
                throw new InvalidOperationException($"Worker process {worker.ProcessId} on node {_options.Name} {worker.EndDescription}.");
            }
            var local = ++_nextLocal;
            _running[local] = new Running(assignment, worker);
            worker.Send(message with { TaskNumber = local, Spec = spec });
        }
    }

    /// <summary>Gives up a dispatch: kills the worker process running it (its other tasks are reported lost).</summary>
    public void Abandon(string dispatcher, long dispatchId)
    {
        lock (_gate)
        {
            foreach (var running in _running.Values.Where(r => r.Assignment.Dispatcher == dispatcher && r.Assignment.DispatchId == dispatchId))
            {
                _log.LogWarning("Abandoning dispatch {Id}: killing worker process {Pid}.", dispatchId, running.Worker.ProcessId);
                running.Worker.Kill();
            }
        }
    }

    /// <summary>A dispatcher's silo died: nobody will record what its tasks produce, so they stop here.</summary>
    public void DispatcherSiloDied(SiloAddress silo)
    {
        var prefix = silo.ToParsableString() + "/";
        lock (_gate)
        {
            foreach (var worker in _running.Values.Where(r => r.Assignment.Dispatcher.StartsWith(prefix, StringComparison.Ordinal))
                         .Select(r => r.Worker).Distinct())
            {
                _log.LogWarning("Dispatcher silo {Silo} died: killing worker process {Pid} with its tasks.", silo, worker.ProcessId);
                worker.Kill();
            }
        }
    }

    public NodeInfo Info(SiloAddress silo) => new(_options.Name, silo.Endpoint.ToString(), Environment.MachineName, Environment.ProcessId,
        _options.Slots, _options.Gpus, RunningTasks, CompletedTasks);

    private ProcessStartInfo Launch(UdfSpec udf, int slot, int instances)
    {
        IWorkerLauncher launcher = udf.Kind switch
        {
            UdfKind.ScriptBlock => new PwshCommandLauncher(_options.Pwsh ?? "pwsh", _options.PwshDll, _options.WorkerBin),
            UdfKind.Model => new TorchWorkerLauncher(Path.Combine(_options.TorchWorker ?? Path.Combine(_options.WorkerBin, "torch"),
                "Geneva.Torch.Worker.dll")),
            _ => new DotNetWorkerLauncher(PwshCommandLauncher.PickReadyToRun(_options.WorkerBin, "Geneva.Worker.dll")),
        };
        var info = launcher.StartInfo(instances);
        if (SlotGpu.For(slot, _options.Slots, _options.Gpus) is int gpu)
        {
            info.Environment["CUDA_VISIBLE_DEVICES"] = gpu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return info;
    }

    private void OnMessage(SlotWorker worker, WorkerMessage message)
    {
        Running? running;
        lock (_gate)
        {
            if (message.Type == WorkerMessage.Output)
            {
                running = _running.Values.FirstOrDefault(r => r.Worker == worker);
                if (running is not null)
                {
                    Reporter(running.Assignment.Dispatcher).Report(0, message with { Worker = WorkerName(message.Worker) });
                }
                return;
            }
            if (!_running.TryGetValue(message.TaskNumber, out running))
            {
                return; // hello, or news of a task given up on
            }
            if (message.Type is WorkerMessage.Done or WorkerMessage.Failed)
            {
                _running.Remove(message.TaskNumber);
                if (message.Type == WorkerMessage.Done)
                {
                    Interlocked.Increment(ref _completed);
                }
            }
        }
        var name = WorkerName(message.Worker);
        var forwarded = message with
        {
            TaskNumber = 0,
            Worker = name,
            CheckpointReceipt = message.CheckpointReceipt is { } receipt ? receipt with { Worker = name } : null,
        };
        Reporter(running.Assignment.Dispatcher).Report(running.Assignment.DispatchId, forwarded);
    }

    private void OnExit(SlotWorker worker)
    {
        List<Running> lost;
        lock (_gate)
        {
            _workers.Remove(worker);
            lost = _running.Where(p => p.Value.Worker == worker).Select(p => p.Value).ToList();
            foreach (var key in _running.Where(p => p.Value.Worker == worker).Select(p => p.Key).ToList())
            {
                _running.Remove(key);
            }
        }
        foreach (var running in lost)
        {
            Reporter(running.Assignment.Dispatcher).Lost(running.Assignment.DispatchId,
                $"worker process {worker.ProcessId} on node {_options.Name} {worker.EndDescription}. {worker.ErrorTail}".TrimEnd());
        }
    }

    /// <summary>Per-node metrics: the node's name before the local worker's host:pid.</summary>
    private string WorkerName(string? local) => $"{_options.Name}/{local}";

    private Reporter Reporter(string dispatcher) =>
        _reporters.GetOrAdd(dispatcher, d => new Reporter(_grains.GetGrain<IDispatcherGrain>(d), _log));

    private static WorkerMessage Failure(Exception e) => new()
    {
        Type = WorkerMessage.Failed,
        ErrorCode = (e is GenevaException g ? g.Code : GenevaErrorCode.UdfLoadFailed).ToString(),
        Message = e.Message,
        Exception = WorkerExceptionInfo.From(e),
    };

    /// <summary>Kills every local worker process: the node is leaving and what they hold is re-sent by the dispatchers.</summary>
    public void Dispose()
    {
        List<SlotWorker> workers;
        lock (_gate)
        {
            _stopped = true;
            workers = _workers.ToList();
        }
        foreach (var worker in workers)
        {
            worker.Kill();
        }
    }

    private sealed record Running(SlotAssignment Assignment, SlotWorker Worker);
}
