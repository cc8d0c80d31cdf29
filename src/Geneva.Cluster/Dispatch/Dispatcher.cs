using Geneva.Cluster.Grains;
using Geneva.Cluster.Node;
using Geneva.Core;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Udfs;

namespace Geneva.Cluster.Dispatch;

/// <summary>
/// The coordinator's side of a cluster: takes the session's tasks (worker protocol messages), sends each
/// to a slot (round robin across nodes, so K slots use as many nodes as there are), and answers with the
/// session's task number. Every dispatch has its own id: a dispatch given up on (node lost, no news for
/// the checkpoint timeout, worker died) is re-sent from its last receipt as a new dispatch, and whatever
/// the old one still sends is dropped. <see cref="MaxAttempts"/> dispatches of a task in all, then it fails.
/// Thread-safe; the answers go out through the send callback in order.
/// </summary>
public sealed class Dispatcher
{
    public const int MaxAttempts = ProcessTaskExecutor.MaxAttempts;

    /// <summary>How long tasks wait for a cluster with no worker node before they fail (at most the checkpoint timeout).</summary>
    public static readonly TimeSpan NoNodesTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly ISlotChannel _channel;
    private readonly int _slotsWanted;
    private readonly int _instancesPerSlot;
    private readonly TimeSpan _checkpointTimeout;
    private readonly Action<WorkerMessage> _send;
    private readonly Func<long> _now;

    private readonly List<NodeEntry> _nodes = [];
    private List<SlotRef> _slots = [];
    private readonly Dictionary<SlotRef, int> _load = [];
    private readonly LinkedList<PendingTask> _pending = new();
    private readonly Dictionary<long, Dispatch> _inFlight = [];
    private readonly HashSet<string> _udfFiles = new(StringComparer.Ordinal);

    /// <summary>The folders of the UDF assemblies tasks named: the assemblies in them are served as dependencies.</summary>
    private readonly HashSet<string> _udfFolders = new(StringComparer.Ordinal);
    private long _nextId;
    private long _lastHeartbeat;
    private long? _noSlotsSince;
    private bool _sawNodes;

    /// <param name="key">The grain key slots answer to.</param>
    /// <param name="now">Milliseconds, for deadlines (tests pass their own clock).</param>
    public Dispatcher(string key, ISlotChannel channel, int slotsWanted, int instancesPerSlot, TimeSpan checkpointTimeout,
        Action<WorkerMessage> send, Func<long>? now = null)
    {
        Key = key;
        _channel = channel;
        _slotsWanted = Math.Max(1, slotsWanted);
        _instancesPerSlot = Math.Max(1, instancesPerSlot);
        _checkpointTimeout = checkpointTimeout;
        _send = send;
        _now = now ?? (() => Environment.TickCount64);
        _lastHeartbeat = _now();
    }

    public string Key { get; }

    /// <summary>Answers dropped because their dispatch had been given up on.</summary>
    public int StaleDropped { get; private set; }

    /// <summary>Slots in use now (at most the slots asked for).</summary>
    public IReadOnlyList<SlotRef> Slots
    {
        get
        {
            lock (_gate)
            {
                return _slots.ToList();
            }
        }
    }

    /// <summary>True while a task waits or runs.</summary>
    public bool Busy
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0 || _inFlight.Count > 0;
            }
        }
    }

    /// <summary>Null when the cluster offers the slots asked for, else what the hello should warn.</summary>
    public string? CapacityWarning()
    {
        lock (_gate)
        {
            var offered = _nodes.Sum(n => n.Slots);
            return offered >= _slotsWanted
                ? null
                : $"Concurrency {_slotsWanted} asks for more than the cluster offers ({offered} slots on {_nodes.Count} nodes); running {offered}.";
        }
    }

    /// <summary>The worker nodes alive now. Tasks on a node missing from the list are re-sent elsewhere.</summary>
    public void UpdateNodes(IEnumerable<NodeEntry> alive)
    {
        var actions = new List<Func<Task>>();
        lock (_gate)
        {
            var now = alive.OrderBy(n => n.Address, StringComparer.Ordinal).ToList();
            var gone = _nodes.Where(n => now.All(a => a.Address != n.Address)).ToList();
            var added = now.Where(a => _nodes.All(n => n.Address != a.Address)).ToList();
            _nodes.Clear();
            _nodes.AddRange(now);
            var news = _sawNodes;
            _sawNodes |= now.Count > 0;
            // Slot i of every node before slot i + 1 of any: K slots spread over min(K, nodes) nodes.
            _slots = Enumerable.Range(0, now.Count == 0 ? 0 : now.Max(n => n.Slots))
                .SelectMany(i => now.Where(n => i < n.Slots).Select(n => new SlotRef(n.Address, n.Name, i)))
                .Take(_slotsWanted)
                .ToList();
            // The first view is the cluster as the dispatcher found it, not news.
            foreach (var node in news ? added : [])
            {
                Send(Notice($"Node {node.Name} ({node.Address}) joined the cluster with {node.Slots} slot(s)."));
            }
            foreach (var node in gone)
            {
                var lost = _inFlight.Values.Where(d => d.Slot.Node == node.Address).ToList();
                Send(Notice($"Node {node.Name} ({node.Address}) left the cluster with {lost.Count} task(s) in flight."));
                foreach (var dispatch in lost)
                {
                    Requeue(dispatch, $"node {node.Name} was lost");
                }
            }
            Pump(actions);
        }
        Run(actions);
    }

    /// <summary>A session's <c>task</c> message.</summary>
    public void Submit(WorkerMessage task)
    {
        var actions = new List<Func<Task>>();
        lock (_gate)
        {
            var spec = task.Spec ?? throw new ArgumentException("A task message needs a spec.", nameof(task));
            foreach (var file in UdfSourceHash.FilesOf(spec.Udf).Select(Path.GetFullPath))
            {
                _udfFiles.Add(file);
                if (UdfDependencies.IsAssembly(file))
                {
                    _udfFolders.Add(Path.GetDirectoryName(file)!);
                }
            }
            _pending.AddLast(new PendingTask(new SessionTask(task.TaskNumber, spec, task.Sizing ?? new CheckpointSizing(1, int.MaxValue, 10)), spec, 1));
            Pump(actions);
        }
        Run(actions);
    }

    /// <summary>A slot's receipt, done, failed or output line for a dispatch.</summary>
    public void Report(long dispatchId, WorkerMessage message)
    {
        var actions = new List<Func<Task>>();
        lock (_gate)
        {
            if (message.Type == WorkerMessage.Output)
            {
                Send(message);
                return;
            }
            if (!_inFlight.TryGetValue(dispatchId, out var dispatch))
            {
                StaleDropped++;
                return;
            }
            dispatch.LastNews = _now();
            switch (message.Type)
            {
                case WorkerMessage.Receipt when message.CheckpointReceipt is { } receipt:
                    dispatch.DoneUpTo = Math.Max(dispatch.DoneUpTo, receipt.RowStart + receipt.RowCount);
                    Send(message with { TaskNumber = dispatch.Task.Number });
                    break;
                case WorkerMessage.Done:
                    Remove(dispatch);
                    Send(new WorkerMessage { Type = WorkerMessage.Done, TaskNumber = dispatch.Task.Number, Worker = message.Worker });
                    break;
                case WorkerMessage.Failed:
                    Remove(dispatch);
                    Send(message with { TaskNumber = dispatch.Task.Number });
                    break;
            }
            Pump(actions);
        }
        Run(actions);
    }

    /// <summary>A dispatch's worker process ended, or its node gave it up: re-send the rest.</summary>
    public void Lost(long dispatchId, string reason)
    {
        var actions = new List<Func<Task>>();
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(dispatchId, out var dispatch))
            {
                StaleDropped++;
                return;
            }
            Requeue(dispatch, reason);
            Pump(actions);
        }
        Run(actions);
    }

    /// <summary>Deadlines and heartbeats; call a few times a second.</summary>
    public void Tick()
    {
        var actions = new List<Func<Task>>();
        lock (_gate)
        {
            var now = _now();
            foreach (var dispatch in _inFlight.Values.Where(d => now - d.LastNews > _checkpointTimeout.TotalMilliseconds).ToList())
            {
                var slot = dispatch.Slot;
                var id = dispatch.Id;
                actions.Add(() => _channel.Abandon(slot, id));
                Requeue(dispatch, $"no checkpoint for {_checkpointTimeout.TotalSeconds:N0} s on node {slot.NodeName} slot {slot.Index}");
            }
            if (_pending.Count > 0 && _slots.Count == 0)
            {
                _noSlotsSince ??= now;
                var wait = TimeSpan.FromMilliseconds(Math.Min(_checkpointTimeout.TotalMilliseconds, NoNodesTimeout.TotalMilliseconds));
                if (now - _noSlotsSince > wait.TotalMilliseconds)
                {
                    while (_pending.First?.Value is { } waiting)
                    {
                        _pending.RemoveFirst();
                        Send(Fail(waiting.Task, $"No worker node has been in the cluster for {wait.TotalSeconds:N0} s."));
                    }
                }
            }
            else
            {
                _noSlotsSince = null;
            }
            if ((_pending.Count > 0 || _inFlight.Count > 0) && now - _lastHeartbeat >= 500)
            {
                _lastHeartbeat = now;
                Send(new WorkerMessage { Type = WorkerMessage.Heartbeat });
            }
            Pump(actions);
        }
        Run(actions);
    }

    /// <summary>
    /// A chunk of a UDF file some task named, or of an assembly beside a UDF assembly (its private dependency; <see
    /// cref="UdfChunk.Absent"/> when there is none of that name), for a node that lacks it. Never any other file.
    /// </summary>
    public UdfChunk ReadUdf(string path, long offset, int count)
    {
        var full = Path.GetFullPath(path);
        bool isUdfFile;
        lock (_gate)
        {
            isUdfFile = _udfFiles.Contains(full);
            if (!isUdfFile && !(UdfDependencies.IsAssembly(full) && _udfFolders.Contains(Path.GetDirectoryName(full)!)))
            {
                throw new GenevaException(GenevaErrorCode.UdfLoadFailed, $"'{path}' is not the file of a UDF this dispatcher runs.", path);
            }
        }
        if (!isUdfFile && !File.Exists(full))
        {
            return UdfChunk.Absent;
        }
        using var file = File.OpenRead(full);
        file.Position = Math.Min(offset, file.Length);
        var buffer = new byte[Math.Clamp(count, 0, UdfChunk.MaxBytes)];
        var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return new UdfChunk(read == buffer.Length ? buffer : buffer[..read], file.Length);
    }

    private void Requeue(Dispatch dispatch, string reason)
    {
        Remove(dispatch);
        if (dispatch.DoneUpTo >= dispatch.End)
        {
            Send(new WorkerMessage { Type = WorkerMessage.Done, TaskNumber = dispatch.Task.Number });
            return;
        }
        var rows = $"fragment {dispatch.Sent.FragmentId} rows {dispatch.DoneUpTo}..{dispatch.End - 1}";
        if (dispatch.Attempt >= MaxAttempts)
        {
            Send(Fail(dispatch.Task, $"Fragment {dispatch.Sent.FragmentId}, rows {dispatch.DoneUpTo}..{dispatch.End - 1}: " +
                                     $"{MaxAttempts} attempts failed on the cluster (last: {reason})."));
            return;
        }
        var rest = dispatch.Sent with { Offset = dispatch.DoneUpTo, RowCount = dispatch.End - dispatch.DoneUpTo };
        _pending.AddFirst(new PendingTask(dispatch.Task, rest, dispatch.Attempt + 1));
        Send(Notice($"Re-sending {rows} ({reason}; attempt {dispatch.Attempt + 1} of {MaxAttempts})."));
    }

    private void Remove(Dispatch dispatch)
    {
        _inFlight.Remove(dispatch.Id);
        if (_load.TryGetValue(dispatch.Slot, out var load))
        {
            _load[dispatch.Slot] = Math.Max(0, load - 1);
        }
    }

    /// <summary>Sends waiting tasks to slots with room, the least loaded first (in round-robin order).</summary>
    private void Pump(List<Func<Task>> actions)
    {
        while (_pending.First?.Value is { } next)
        {
            var slot = _slots.Where(s => _load.GetValueOrDefault(s) < _instancesPerSlot).MinBy(s => _load.GetValueOrDefault(s));
            if (slot is null)
            {
                return;
            }
            _pending.RemoveFirst();
            var dispatch = new Dispatch(++_nextId, next.Task, next.Rest, next.Attempt, slot, _now());
            _inFlight[dispatch.Id] = dispatch;
            _load[slot] = _load.GetValueOrDefault(slot) + 1;
            var line = new WorkerMessage
            {
                Type = WorkerMessage.Task, TaskNumber = checked((int)dispatch.Id), Spec = next.Rest, Sizing = next.Task.Sizing,
            }.ToLine();
            var assignment = new SlotAssignment(Key, dispatch.Id, line, _instancesPerSlot);
            actions.Add(async () =>
            {
                try
                {
                    await _channel.Start(slot, assignment);
                }
                catch (Exception e)
                {
                    Lost(assignment.DispatchId, $"slot {slot.Index} of node {slot.NodeName} could not take it: {e.Message}");
                }
            });
        }
    }

    /// <summary>Grain calls go out after the lock is released, each on its own.</summary>
    private static void Run(List<Func<Task>> actions)
    {
        foreach (var action in actions)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await action();
                }
                catch (Exception)
                {
                    // Abandon calls to a node that is gone: nothing to undo, the dispatch was re-sent already.
                }
            });
        }
    }

    private void Send(WorkerMessage message) => _send(message);

    private static WorkerMessage Notice(string text) => new() { Type = WorkerMessage.Notice, Message = text };

    private static WorkerMessage Fail(SessionTask task, string text) => new()
    {
        Type = WorkerMessage.Failed,
        TaskNumber = task.Number,
        ErrorCode = nameof(GenevaErrorCode.UdfFailed),
        Message = text,
    };
}
