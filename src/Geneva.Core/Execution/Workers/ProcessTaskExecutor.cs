using System.Threading.Channels;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Runs tasks in worker processes, each running several UDF instances. Each worker gets as many
/// tasks at a time as it has instances. A worker that dies loses only its in-flight checkpoints:
/// the rest of each of its tasks (from its last receipt) is sent to another worker, up to
/// <see cref="MaxAttempts"/> attempts in all, and a replacement worker is started. A worker that
/// hangs (no message for the checkpoint timeout while it has tasks) is killed and handled the same way.
/// </summary>
public sealed class ProcessTaskExecutor : ITaskExecutor
{
    public const int MaxAttempts = 3;

    private readonly IWorkerLauncher _launcher;
    private readonly int _workers;
    private readonly int _instancesPerWorker;
    private readonly TimeSpan _checkpointTimeout;
    private readonly WorkerPool? _pool;

    /// <param name="checkpointTimeout">How long a worker with tasks may go without a message before it counts as hung.</param>
    /// <param name="pool">Where workers go after a job that finished, and come from for the next; null: always fresh workers.</param>
    public ProcessTaskExecutor(IWorkerLauncher launcher, int workers, int instancesPerWorker, TimeSpan? checkpointTimeout = null,
        WorkerPool? pool = null)
    {
        _pool = pool;
        _launcher = launcher;
        _workers = Math.Max(1, workers);
        _instancesPerWorker = Math.Max(1, instancesPerWorker);
        _checkpointTimeout = checkpointTimeout ?? TimeSpan.FromSeconds(Planning.BackfillSettings.DefaultCheckpointTimeoutSeconds);
    }

    public int Instances => _workers * _instancesPerWorker;

    /// <summary>Process ids of the workers running now (tests kill one to prove recovery).</summary>
    public IReadOnlyList<int> WorkerProcessIds => _live.Select(w => w.ProcessId).ToList();

    private readonly List<WorkerProcess> _live = [];

    /// <summary>Where workers post their messages; made by <see cref="Prepare"/> or the first <see cref="Run"/>.</summary>
    private Channel<(WorkerProcess Worker, WorkerMessage? Message)>? _events;

    /// <summary>Workers of <see cref="_live"/> that came from the pool, so a discard gives them back rather than killing them.</summary>
    private readonly HashSet<WorkerProcess> _rented = [];

    /// <summary>What <see cref="Prepare"/> has to say (a reused worker), said at the start of <see cref="Run"/>.</summary>
    private readonly List<ExecutorNotice> _notices = [];

    /// <summary>Starts (or rents) the workers that about <paramref name="expectedTasks"/> tasks would get, before <see cref="Run"/>.</summary>
    public void Prepare(int expectedTasks)
    {
        _events ??= Channel.CreateUnbounded<(WorkerProcess, WorkerMessage?)>();
        StartWorkers(WorkerCount(expectedTasks), _pool is null ? null : _launcher.PoolKey(_instancesPerWorker));
    }

    /// <summary>Gives back rented workers and kills started ones that no run used: they hold no work.</summary>
    public void Discard()
    {
        foreach (var worker in _live)
        {
            if (_rented.Contains(worker) && worker.PoolKey is { } key && !worker.Exited)
            {
                worker.Attach(null);
                _pool!.Return(key, worker);
                continue;
            }
            worker.Stop(graceful: false);
        }
        _live.Clear();
        _rented.Clear();
        _notices.Clear();
    }

    private int WorkerCount(int tasks) => Math.Min(_workers, Math.Max(1, (tasks + _instancesPerWorker - 1) / _instancesPerWorker));

    /// <summary>Brings <see cref="_live"/> up to <paramref name="count"/> workers, idle pooled ones first.</summary>
    private void StartWorkers(int count, string? key)
    {
        while (_live.Count < count)
        {
            if (key is not null && _pool!.TryRent(key) is WorkerProcess warm)
            {
                AfterRent?.Invoke(warm);
                warm.Attach(_events!.Writer);
                _live.Add(warm);
                _rented.Add(warm);
                _notices.Add(new ExecutorNotice($"Reusing idle worker process {warm.ProcessId}."));
                continue;
            }
            _live.Add(WorkerProcess.Start(_launcher.StartInfo(_instancesPerWorker), _events!.Writer, key));
        }
    }

    /// <summary>Test hook: runs on a pooled worker between its rental and its attachment to the job (tests kill it there).</summary>
    internal Action<WorkerProcess>? AfterRent { get; set; }

    public IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel)
    {
        var events = _events ??= Channel.CreateUnbounded<(WorkerProcess, WorkerMessage?)>();
        var pending = new Queue<(TaskSpec Original, TaskSpec Spec, int Attempt)>(tasks.Select(t => (t, t, 1)));
        var inFlight = new Dictionary<int, InFlightTask>();
        var number = 0;
        var finished = false;
        int? learnedBatchSize = null;
        try
        {
            // Workers Prepare started while the plan was made count; more start only if the plan has more tasks.
            if (tasks.Count > 0)
            {
                StartWorkers(WorkerCount(tasks.Count), _pool is null ? null : _launcher.PoolKey(_instancesPerWorker));
            }
            foreach (var notice in _notices)
            {
                yield return notice;
            }
            _notices.Clear();
            foreach (var worker in _live.ToList())
            {
                Fill(worker);
            }
            // Wake at least this often to look for hung workers.
            var poll = TimeSpan.FromMilliseconds(Math.Clamp(_checkpointTimeout.TotalMilliseconds / 4, 50, 1000));
            Task<(WorkerProcess, WorkerMessage?)>? read = null;
            while (pending.Count > 0 || inFlight.Count > 0)
            {
                read ??= events.Reader.ReadAsync(cancel).AsTask();
                if (!read.Wait(poll, cancel))
                {
                    KillHung();
                    continue;
                }
                var (worker, message) = read.Result;
                read = null;
                if (message is null)
                {
                    foreach (var notice in WorkerExited(worker))
                    {
                        yield return notice;
                    }
                    continue;
                }
                switch (message.Type)
                {
                    case WorkerMessage.Output:
                        yield return new ExecutorNotice(
                            $"Worker {worker.ProcessId} {(message.Stream == "stderr" ? "error output" : "output")}: {message.Message}");
                        break;
                    case WorkerMessage.Notice:
                        yield return new ExecutorNotice(message.Message ?? "");
                        break;
                    case WorkerMessage.Hello:
                        yield return new ExecutorNotice($"Worker {message.Worker} started with {_instancesPerWorker} UDF instance(s).");
                        if (message.Message is { Length: > 0 } warning)
                        {
                            // A cluster's dispatcher: fewer slots than asked for, and the like.
                            yield return new ExecutorWarning(warning);
                        }
                        break;
                    case WorkerMessage.Receipt when inFlight.TryGetValue(message.TaskNumber, out var task):
                        var receipt = message.CheckpointReceipt!;
                        task.DoneUpTo = receipt.RowStart + receipt.RowCount;
                        if (receipt.BatchSize is int size && size < (learnedBatchSize ?? int.MaxValue))
                        {
                            var before = learnedBatchSize ?? task.Sent.Udf.BatchSize;
                            learnedBatchSize = size;
                            if (size < before)
                            {
                                yield return new ExecutorNotice($"Worker {receipt.Worker} fell back to {size} rows per device batch " +
                                                                "(out of device memory); tasks sent from now on start there.");
                            }
                        }
                        yield return new CheckpointWritten(task.Original, receipt);
                        break;
                    case WorkerMessage.Done when inFlight.Remove(message.TaskNumber, out var done):
                        if (done.Sent.Offset + done.Sent.RowCount == done.Original.Offset + done.Original.RowCount)
                        {
                            yield return new TaskFinished(done.Original);
                        }
                        Fill(worker);
                        break;
                    case WorkerMessage.Failed:
                        throw Failure(message, inFlight.GetValueOrDefault(message.TaskNumber)?.Original);
                }
            }
            finished = true;
        }
        finally
        {
            // Stopped or failed: kill at once, so in-flight checkpoints are discarded whole (their
            // receipts would not be recorded anyway). Finished: let workers exit on their own.
            foreach (var worker in _live)
            {
                if (finished && _pool is not null && worker.PoolKey is { } poolKey && !worker.Exited)
                {
                    worker.Attach(null);
                    _pool.Return(poolKey, worker);
                    continue;
                }
                worker.Stop(graceful: finished);
            }
            _live.Clear();
            _rented.Clear();
        }

        void KillHung()
        {
            foreach (var worker in _live.Where(w => inFlight.Values.Any(t => t.Worker == w) && w.SilentFor > _checkpointTimeout))
            {
                worker.KillAsHung(_checkpointTimeout);
            }
        }

        void Fill(WorkerProcess worker)
        {
            while (pending.Count > 0 && inFlight.Values.Count(t => t.Worker == worker) < _instancesPerWorker && !worker.Exited)
            {
                var (original, spec, attempt) = pending.Dequeue();
                if (learnedBatchSize is int size && size < (spec.Udf.BatchSize ?? int.MaxValue))
                {
                    spec = spec with { Udf = spec.Udf with { BatchSize = size } };
                }
                var n = ++number;
                inFlight[n] = new InFlightTask(original, spec, attempt, worker);
                worker.Send(new WorkerMessage { Type = WorkerMessage.Task, TaskNumber = n, Spec = spec, Sizing = sizing });
            }
        }

        IEnumerable<TaskEvent> WorkerExited(WorkerProcess worker)
        {
            _live.Remove(worker);
            var lost = inFlight.Where(p => p.Value.Worker == worker).ToList();
            if (lost.Count == 0 && pending.Count == 0)
            {
                yield break;
            }
            yield return new ExecutorNotice($"Worker process {worker.ProcessId} {worker.EndDescription} with " +
                                            $"{lost.Count} task(s) in flight. {worker.ErrorTail}".TrimEnd());
            foreach (var (n, task) in lost)
            {
                inFlight.Remove(n);
                var end = task.Sent.Offset + task.Sent.RowCount;
                if (task.DoneUpTo >= end)
                {
                    yield return new TaskFinished(task.Original);
                    continue;
                }
                if (task.Attempt >= MaxAttempts)
                {
                    throw new GenevaException(GenevaErrorCode.UdfFailed,
                        $"Fragment {task.Sent.FragmentId}, rows {task.DoneUpTo}..{end - 1}: the worker running them died " +
                        $"{MaxAttempts} times (last one {worker.EndDescription}). {worker.ErrorTail}".TrimEnd(), task.Sent.FragmentId);
                }
                var rest = task.Sent with { Offset = task.DoneUpTo, RowCount = end - task.DoneUpTo };
                pending.Enqueue((task.Original, rest, task.Attempt + 1));
                yield return new ExecutorNotice($"Re-sending fragment {rest.FragmentId} rows {rest.Offset}..{end - 1} " +
                                                $"(attempt {task.Attempt + 1} of {MaxAttempts}).");
            }
            if (pending.Count > 0)
            {
                var replacement = WorkerProcess.Start(_launcher.StartInfo(_instancesPerWorker), events.Writer, worker.PoolKey);
                _live.Add(replacement);
                Fill(replacement);
            }
        }
    }

    /// <summary>
    /// The exception a worker's failure ends the job with, shaped as in this process: a UDF failure's
    /// inner exception is the UDF's own (type, message, stack, inner, as <see cref="WorkerException"/>s);
    /// any other failure carries the worker's exception whole as its inner exception.
    /// </summary>
    private static GenevaException Failure(WorkerMessage message, TaskSpec? task)
    {
        var code = Enum.TryParse<GenevaErrorCode>(message.ErrorCode, out var c) ? c : GenevaErrorCode.UdfFailed;
        var text = message.Message ?? "The worker reported a failure.";
        var remote = message.Exception;
        if (message.Errors is { Count: > 0 } errors)
        {
            var inner = remote is not null && remote.TypeName == typeof(UdfFailedException).FullName ? remote.Inner : remote;
            return new UdfFailedException(text, task?.FragmentId ?? -1,
                inner?.ToException() ?? (Exception)new GenevaException(code, text), errors);
        }
        return new GenevaException(code, text, task?.FragmentId, remote?.ToException());
    }
}
