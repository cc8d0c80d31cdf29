using System.Diagnostics;
using System.Threading.Channels;

namespace Geneva.Core.Execution.Workers;

/// <summary>One worker process: a writer to its stdin, a thread turning its stdout lines into events.</summary>
internal sealed class WorkerProcess : IPooledWorker
{
    // Where its messages go: the running job's channel, or nowhere while it idles in a pool.
    private volatile ChannelWriter<(WorkerProcess, WorkerMessage?)>? _sink;

    // Orders attaching a sink against the exit, so the exit is posted exactly once: by the reader
    // thread if a sink is attached when the process ends, else by the Attach that comes after.
    private readonly Lock _exitGate = new();
    private bool _exitPosted;

    public string? PoolKey { get; private init; }

    /// <summary>
    /// Sends its messages to <paramref name="sink"/> from now on (null: nowhere). A worker that died
    /// while it had no sink (idle in the pool, or rented and not yet attached) posts its exit here, so
    /// the job that attached it sees the exit and does not wait for a dead worker.
    /// </summary>
    public void Attach(ChannelWriter<(WorkerProcess, WorkerMessage?)>? sink)
    {
        lock (_exitGate)
        {
            _sink = sink;
            PostExitOnce();
        }
    }

    private void MarkExited()
    {
        lock (_exitGate)
        {
            _exited = true;
            PostExitOnce();
        }
    }

    private void PostExitOnce()
    {
        if (_exited && !_exitPosted && _sink is { } sink)
        {
            _exitPosted = true;
            sink.TryWrite((this, null));
        }
    }

    private readonly Process _process;
    private readonly ErrorOutputTail _errors = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        ProcessId = process.Id;
    }

    public int ProcessId { get; }

    private volatile bool _exited;

    public bool Exited => _exited;

    private long _lastHeard = Environment.TickCount64;
    private TimeSpan? _killedAsHungAfter;

    /// <summary>Time since the worker last sent a message or was sent a task.</summary>
    public TimeSpan SilentFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastHeard));

    private void Heard() => Interlocked.Exchange(ref _lastHeard, Environment.TickCount64);

    public string EndDescription => _killedAsHungAfter is { } after
        ? $"was killed as hung (no checkpoint for {after.TotalSeconds:N0} s)"
        : $"exited (code {ExitCode})";

    public void KillAsHung(TimeSpan after)
    {
        if (_killedAsHungAfter is not null || Exited)
        {
            return;
        }
        _killedAsHungAfter = after;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone; its reader thread reports the exit.
        }
    }

    public int ExitCode => Exited ? _process.ExitCode : 0;

    public string ErrorTail => _errors.Describe();

    public static WorkerProcess Start(ProcessStartInfo info, ChannelWriter<(WorkerProcess, WorkerMessage?)> events, string? poolKey)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
            $"Could not start a worker process ({info.FileName}).", info.FileName);
        StartupTrace.Mark($"session:worker-spawned:{process.Id}");
        var worker = new WorkerProcess(process) { PoolKey = poolKey };
        worker.Attach(events);
        process.ErrorDataReceived += (_, e) => worker._errors.Append(e.Data);
        process.BeginErrorReadLine();
        new Thread(() =>
        {
            try
            {
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    if (WorkerMessage.TryParse(line) is { } message)
                    {
                        if (message.Type != WorkerMessage.Output)
                        {
                            // A UDF that prints but never finishes a checkpoint is still hung.
                            worker.Heard();
                        }
                        worker._sink?.TryWrite((worker, message));
                    }
                }
            }
            catch (IOException)
            {
            }
            process.WaitForExit();
            worker.MarkExited();
        })
        { IsBackground = true, Name = $"geneva-worker-{process.Id}" }.Start();
        return worker;
    }

    public void Send(WorkerMessage message)
    {
        Heard();
        try
        {
            _process.StandardInput.WriteLine(message.ToLine());
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // It died; its reader thread reports the exit and its tasks are re-sent.
        }
    }

    /// <summary>Kills the worker, or asks it to exit and kills it only if it does not within a few seconds.</summary>
    public void Stop(bool graceful)
    {
        if (Exited)
        {
            return;
        }
        if (!graceful)
        {
            _process.Kill(entireProcessTree: true);
            return;
        }
        Send(new WorkerMessage { Type = WorkerMessage.Shutdown });
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(3)))
        {
            _process.Kill(entireProcessTree: true);
        }
    }
}
