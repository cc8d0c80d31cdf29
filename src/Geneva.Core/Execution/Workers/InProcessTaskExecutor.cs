using Geneva.Core.Expressions;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Execution.Workers;

/// <summary>
/// Runs tasks one after another on the calling thread with one UDF instance: no process start,
/// which suits cheap UDFs and the engine's own tests and benchmarks.
/// </summary>
public sealed class InProcessTaskExecutor(Action<TimeSpan, CancellationToken>? sleep = null) : ITaskExecutor
{
    public int Instances => 1;

    /// <summary>The sizer of the last run, so callers can read its size.</summary>
    public AdaptiveCheckpointSizer? Sizer { get; private set; }

    public IEnumerable<TaskEvent> Run(IReadOnlyList<TaskSpec> tasks, CheckpointSizing sizing, CancellationToken cancel)
    {
        if (tasks.Count == 0)
        {
            yield break;
        }
        var first = tasks[0];
        UdfSourceHash.Verify(first.Udf);
        var table = GenevaTable.Open(first.TablePath, first.TableVersion);
        var where = string.IsNullOrWhiteSpace(first.Where) ? null : SqlExpression.Parse(first.Where);
        Sizer = new AdaptiveCheckpointSizer(sizing.Min, sizing.Max, TimeSpan.FromSeconds(sizing.TargetSeconds));
        using var runner = new TaskRunner(table, first.Column,
            new UdfApplier(first.Udf, UdfRegistry.CreateInstance(first.Udf), sleep), where, Sizer);
        foreach (var task in tasks)
        {
            foreach (var receipt in runner.Run(task, cancel))
            {
                yield return new CheckpointWritten(task, receipt);
            }
            yield return new TaskFinished(task);
        }
    }
}
