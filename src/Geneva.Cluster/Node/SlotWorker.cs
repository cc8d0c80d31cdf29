using System.Diagnostics;
using Geneva.Core.Execution.Workers;

namespace Geneva.Cluster.Node;

/// <summary>
/// A slot's local worker process (Geneva.Worker, pwsh or the model worker), kept warm between tasks:
/// a writer to its stdin and a thread turning its stdout lines into calls. It ends when the node
/// ends: its stdin closes with the node, and a worker abandons its tasks and exits at end of input.
/// </summary>
internal sealed class SlotWorker
{
    private readonly Process _process;
    private readonly ErrorOutputTail _errors = new();
    private readonly Lock _writeGate = new();
    private volatile bool _killed;

    private SlotWorker(Process process, int slot, string launchKey)
    {
        _process = process;
        ProcessId = process.Id;
        Slot = slot;
        LaunchKey = launchKey;
    }

    public int ProcessId { get; }

    public int Slot { get; }

    public string LaunchKey { get; }

    public bool Exited { get; private set; }

    public string EndDescription => _killed ? "was killed" : $"exited (code {(Exited ? _process.ExitCode : 0)})";

    public string ErrorTail => _errors.Describe();

    public static SlotWorker Start(ProcessStartInfo info, int slot, string launchKey, Action<SlotWorker, WorkerMessage> onMessage,
        Action<SlotWorker> onExit)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start a worker process ({info.FileName}).");
        var worker = new SlotWorker(process, slot, launchKey);
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
                        onMessage(worker, message);
                    }
                }
            }
            catch (IOException)
            {
            }
            process.WaitForExit();
            worker.Exited = true;
            onExit(worker);
        })
        { IsBackground = true, Name = $"geneva-slot-{slot}-worker-{process.Id}" }.Start();
        return worker;
    }

    public void Send(WorkerMessage message)
    {
        try
        {
            lock (_writeGate)
            {
                _process.StandardInput.WriteLine(message.ToLine());
                _process.StandardInput.Flush();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // It died; its reader thread reports the exit and the node reports its tasks lost.
        }
    }

    public void Kill()
    {
        _killed = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Asks it to exit; kills it if it has not within a few seconds.</summary>
    public void Stop()
    {
        if (Exited)
        {
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
            Kill();
        }
    }
}
