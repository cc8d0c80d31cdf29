namespace Geneva.Core.Execution.Workers;

/// <summary>What the pool needs of a worker process.</summary>
internal interface IPooledWorker
{
    bool Exited { get; }

    void Stop(bool graceful);
}
