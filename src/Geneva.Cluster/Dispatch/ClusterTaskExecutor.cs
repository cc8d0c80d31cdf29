using System.Threading.Channels;
using Geneva.Core;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;

namespace Geneva.Cluster.Dispatch;

/// <summary>
/// Runs a backfill's tasks on the cluster from a dispatcher silo in this process (tests; a coordinator
/// that is itself a silo): the session's protocol without the stdin/stdout hop.
/// </summary>
public sealed class ClusterTaskExecutor(IServiceProvider dispatcherSilo, int slots, int instancesPerSlot, TimeSpan checkpointTimeout)
    : ITaskExecutor
{
    public int Instances => Math.Max(1, slots) * Math.Max(1, instancesPerSlot);

    /// <summary>The dispatcher of the run in progress (tests look at it).</summary>
    public Dispatcher? Current { get; private set; }

    public IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel)
    {
        var answers = Channel.CreateUnbounded<WorkerMessage>();
        var dispatcher = ClusterDispatcher.Start(dispatcherSilo, slots, instancesPerSlot, checkpointTimeout, m => answers.Writer.TryWrite(m));
        Current = dispatcher.Dispatcher;
        try
        {
            var open = new Dictionary<int, TaskSpec>();
            for (var i = 0; i < tasks.Count; i++)
            {
                open[i + 1] = tasks[i];
                dispatcher.Dispatcher.Submit(new WorkerMessage { Type = WorkerMessage.Task, TaskNumber = i + 1, Spec = tasks[i], Sizing = sizing });
            }
            while (open.Count > 0)
            {
                var message = answers.Reader.ReadAsync(cancel).AsTask().GetAwaiter().GetResult();
                switch (message.Type)
                {
                    case WorkerMessage.Receipt when open.TryGetValue(message.TaskNumber, out var task):
                        yield return new CheckpointWritten(task, message.CheckpointReceipt!);
                        break;
                    case WorkerMessage.Done when open.Remove(message.TaskNumber, out var done):
                        yield return new TaskFinished(done);
                        break;
                    case WorkerMessage.Failed:
                        throw Failure(message, open.GetValueOrDefault(message.TaskNumber));
                    case WorkerMessage.Notice or WorkerMessage.Output:
                        yield return new ExecutorNotice(message.Message ?? "");
                        break;
                }
            }
        }
        finally
        {
            dispatcher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>A failure as the session's executor shapes it: row errors as a UDF failure, else the remote exception inside.</summary>
    public static GenevaException Failure(WorkerMessage message, TaskSpec? task)
    {
        var code = Enum.TryParse<GenevaErrorCode>(message.ErrorCode, out var c) ? c : GenevaErrorCode.UdfFailed;
        var text = message.Message ?? "The cluster reported a failure.";
        if (message.Errors is { Count: > 0 } errors)
        {
            return new UdfFailedException(text, task?.FragmentId ?? -1,
                message.Exception?.ToException() ?? (Exception)new GenevaException(code, text), errors);
        }
        return new GenevaException(code, text, task?.FragmentId, message.Exception?.ToException());
    }
}
