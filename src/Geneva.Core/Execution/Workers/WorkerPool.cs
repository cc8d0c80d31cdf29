namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Idle worker processes kept after a backfill finishes, so the next backfill of the session starts
/// on a warm process (no start-up, JIT or libtorch initialisation; measured in bench/README.md). A
/// worker is reused only for the same launch: same program, arguments, instance count and
/// environment, so a changed environment variable always gets a fresh worker. Idle workers are
/// shut down after <see cref="IdleTimeout"/>, and exit by themselves when this process ends.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Dictionary<string, List<(IPooledWorker Worker, DateTime Since)>> _idle = [];
    private readonly Timer _sweep;

    public WorkerPool(TimeSpan idleTimeout)
    {
        IdleTimeout = idleTimeout;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 2, 50, 30_000));
        _sweep = new Timer(_ => Sweep(), null, period, period);
    }

    public TimeSpan IdleTimeout { get; }

    /// <summary>Idle workers now, for tests and diagnostics.</summary>
    public int IdleCount
    {
        get
        {
            lock (_idle)
            {
                return _idle.Values.Sum(l => l.Count);
            }
        }
    }

    internal IPooledWorker? TryRent(string key)
    {
        lock (_idle)
        {
            if (!_idle.TryGetValue(key, out var list))
            {
                return null;
            }
            while (list.Count > 0)
            {
                var (worker, _) = list[^1];
                list.RemoveAt(list.Count - 1);
                if (!worker.Exited)
                {
                    return worker;
                }
            }
            return null;
        }
    }

    internal void Return(string key, IPooledWorker worker)
    {
        lock (_idle)
        {
            if (!_idle.TryGetValue(key, out var list))
            {
                _idle[key] = list = [];
            }
            list.Add((worker, DateTime.UtcNow));
        }
    }

    private void Sweep()
    {
        var expired = new List<IPooledWorker>();
        lock (_idle)
        {
            foreach (var list in _idle.Values)
            {
                expired.AddRange(list.Where(e => e.Worker.Exited || DateTime.UtcNow - e.Since > IdleTimeout).Select(e => e.Worker));
                list.RemoveAll(e => e.Worker.Exited || DateTime.UtcNow - e.Since > IdleTimeout);
            }
        }
        foreach (var worker in expired)
        {
            worker.Stop(graceful: true);
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        List<IPooledWorker> all;
        lock (_idle)
        {
            all = _idle.Values.SelectMany(l => l.Select(e => e.Worker)).ToList();
            _idle.Clear();
        }
        foreach (var worker in all)
        {
            worker.Stop(graceful: true);
        }
    }
}
