using System.Collections.Concurrent;
using System.Text;
using Geneva.Core.Expressions;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// The worker side of the protocol: reads <see cref="WorkerMessage"/> lines, runs tasks on
/// <c>instances</c> threads (one UDF instance each, set up once and kept across tasks), and writes
/// a receipt line per checkpoint. It never touches the job database: the coordinator records
/// receipts. The host process (Geneva.Worker, or pwsh for scriptblock UDFs) only wires up streams.
/// </summary>
public sealed class WorkerHost
{
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly int _instances;
    private readonly Action? _instanceThreadInit;
    private readonly object _writeGate = new();
    private readonly string _name = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly ConcurrentDictionary<string, AdaptiveCheckpointSizer> _sizers = new();

    // Console.Out and Console.Error of a console worker (ForConsole); null when the streams were given.
    private ConsoleOutputForwarder? _stdout;
    private ConsoleOutputForwarder? _stderr;

    /// <param name="instanceThreadInit">Runs first on each instance thread (pwsh gives each its own runspace).</param>
    public WorkerHost(TextReader input, TextWriter output, int instances, Action? instanceThreadInit = null)
    {
        _input = input;
        _output = output;
        _instances = Math.Max(1, instances);
        _instanceThreadInit = instanceThreadInit;
    }

    /// <summary>A worker process's whole life: the protocol on stdin/stdout, diagnostics on stderr. Arguments: [--instances N].</summary>
    public static int RunConsole(string[] args)
    {
        var instances = 1;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--instances" && int.TryParse(args[i + 1], out var n) && n > 0)
            {
                instances = n;
            }
        }
        return ForConsole(instances).Run();
    }

    /// <summary>
    /// A worker on this process's stdin and stdout. It takes both as private streams before any UDF
    /// loads, and points Console.In at nothing and Console.Out and Console.Error at forwarders that
    /// send what UDF code writes as <see cref="WorkerMessage.Output"/> messages: the protocol never
    /// shares a stream with UDF code, so a UDF that prints can neither corrupt nor fake a message.
    /// </summary>
    /// <param name="instanceThreadInit">Runs first on each instance thread (pwsh gives each its own runspace).</param>
    public static WorkerHost ForConsole(int instances, Action? instanceThreadInit = null)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var input = new StreamReader(Console.OpenStandardInput(), encoding);
        var output = new StreamWriter(ProtocolOutput.Take(), encoding);
        var host = new WorkerHost(input, output, instances, instanceThreadInit);
        host._stdout = new ConsoleOutputForwarder(line => host.SendOutput("stdout", line));
        host._stderr = new ConsoleOutputForwarder(line => host.SendOutput("stderr", line));
        Console.SetIn(TextReader.Null);
        Console.SetOut(host._stdout);
        Console.SetError(host._stderr);
        return host;
    }

    private void SendOutput(string stream, string line) =>
        Send(new WorkerMessage { Type = WorkerMessage.Output, Stream = stream, Message = line, Worker = _name });

    /// <summary>Runs until shutdown or end of input; returns the process exit code.</summary>
    public int Run()
    {
        StartupTrace.Mark("worker:host-run");
        using var queue = new BlockingCollection<WorkerMessage>();
        var threads = Enumerable.Range(0, _instances).Select(i => new Thread(() => InstanceLoop(queue))
        {
            IsBackground = true,
            Name = $"geneva-udf-{i}",
        }).ToList();
        threads.ForEach(t => t.Start());
        Send(new WorkerMessage { Type = WorkerMessage.Hello, Worker = _name });
        while (_input.ReadLine() is { } line)
        {
            var message = WorkerMessage.TryParse(line);
            if (message is null)
            {
                continue;
            }
            if (message.Type == WorkerMessage.Shutdown)
            {
                queue.CompleteAdding();
                threads.ForEach(t => t.Join());
                return 0;
            }
            if (message.Type == WorkerMessage.Task)
            {
                queue.Add(message);
            }
        }
        // End of input without a shutdown: the coordinator died, so nobody would record what the
        // tasks in flight produce. Abandon them (instance threads are background threads).
        return AbandonedExitCode;
    }

    /// <summary>Exit code of a worker whose coordinator went away mid-job.</summary>
    public const int AbandonedExitCode = 3;

    private void InstanceLoop(BlockingCollection<WorkerMessage> queue)
    {
        _instanceThreadInit?.Invoke();
        StartupTrace.Mark("worker:instance-ready");
        using var state = new WorkerInstanceState();
        foreach (var message in queue.GetConsumingEnumerable())
        {
            RunTask(message, state);
        }
    }

    private static int s_receiptTraced;

    private void RunTask(WorkerMessage message, WorkerInstanceState state)
    {
        var spec = message.Spec!;
        try
        {
            // A UDF file rebuilt after binding must not run under the old version (cheap: by size and time first).
            UdfSourceHash.Verify(spec.Udf);
            var runner = Runner(spec, message.Sizing!, state);
            foreach (var receipt in runner.Run(spec, CancellationToken.None))
            {
                if (StartupTrace.Enabled && Interlocked.Exchange(ref s_receiptTraced, 1) == 0)
                {
                    StartupTrace.Mark("worker:first-receipt");
                }
                Send(new WorkerMessage
                {
                    Type = WorkerMessage.Receipt,
                    TaskNumber = message.TaskNumber,
                    CheckpointReceipt = receipt with { Worker = _name, Device = runner.Device },
                    Worker = _name,
                });
            }
            Send(new WorkerMessage { Type = WorkerMessage.Done, TaskNumber = message.TaskNumber, Worker = _name });
        }
        catch (Exception e)
        {
            var code = e is GenevaException g ? g.Code : GenevaErrorCode.UdfFailed;
            Send(new WorkerMessage
            {
                Type = WorkerMessage.Failed,
                TaskNumber = message.TaskNumber,
                ErrorCode = code.ToString(),
                Message = e.Message,
                Errors = (e as UdfFailedException)?.Errors,
                Exception = WorkerExceptionInfo.From(e),
                Worker = _name,
            });
        }
        finally
        {
            // A task's console output without a final newline (a dot per row) arrives with the task.
            _stdout?.Flush();
            _stderr?.Flush();
        }
    }

    /// <summary>
    /// One runner (so one UDF instance) per thread at a time; a task of another job or definition
    /// replaces it. A UDF that lives on a device (a model: loading it can take seconds) is kept for the
    /// next job of the same definition, as a pooled worker serves a session's backfills; any other
    /// definition drops it, so a worker holds at most one model per thread. One sizer per process.
    /// </summary>
    private TaskRunner Runner(TaskSpec spec, CheckpointSizing sizing, WorkerInstanceState state)
    {
        // A probe runs under its own error policy and sizer: it never shares a backfill's runner.
        var key = $"{spec.TablePath}|{spec.TableVersion}|{spec.Column}|{spec.Udf.EffectiveVersion}|{spec.Where}" +
                  (spec.ProbeRows is null ? "" : $"|probe:{spec.JobId}");
        if (state.RunnerKey == key)
        {
            return state.Runner!;
        }
        state.Runner?.Dispose();
        (state.RunnerKey, state.Runner) = (null, null);
        var udfKey = $"{spec.Udf.Kind}|{spec.Udf.EffectiveVersion}|{spec.Udf.Source}|{spec.Udf.TypeName}|{spec.Udf.ModuleAssembly}|{spec.Udf.Device}";
        if (state.KeptUdfKey != udfKey)
        {
            state.DropKeptUdf();
        }
        var udf = state.KeptUdf ?? UdfRegistry.CreateInstance(spec.Udf);
        if (udf is IRunsOnDevice)
        {
            (state.KeptUdfKey, state.KeptUdf) = (udfKey, udf);
        }
        var table = GenevaTable.Open(spec.TablePath, spec.TableVersion);
        var where = string.IsNullOrWhiteSpace(spec.Where) ? null : SqlExpression.Parse(spec.Where);
        var sizer = _sizers.GetOrAdd($"{spec.JobId}|{spec.Udf.EffectiveVersion}|{sizing.Min}|{sizing.Max}|{sizing.TargetSeconds}",
            _ => new AdaptiveCheckpointSizer(sizing.Min, sizing.Max, TimeSpan.FromSeconds(sizing.TargetSeconds)));
        var applier = new UdfApplier(spec.Udf, udf, ownsUdf: state.KeptUdf != udf);
        (state.RunnerKey, state.Runner) = (key, new TaskRunner(table, spec.Column, applier, where, sizer));
        return state.Runner;
    }

    private void Send(WorkerMessage message)
    {
        var line = message.ToLine();
        lock (_writeGate)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }
}
