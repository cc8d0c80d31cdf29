using System.Collections;
using System.Management.Automation;
using Geneva.Core.Checkpoints;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of -JobId from the table's job database (read-only), newest first, each with its column,
/// status and start. Resume-GenevaBackfill offers only jobs that can resume (not done), of -Column when given.
/// </summary>
public sealed class JobIdCompleter : TableArgumentCompleter
{
    protected override IEnumerable<CompletionResult> Complete(string tablePath, string commandName, string parameterName,
        string word, IDictionary fakeBoundParameters)
    {
        var resuming = commandName.StartsWith("Resume-", StringComparison.OrdinalIgnoreCase);
        var column = resuming ? fakeBoundParameters["Column"] as string : null;
        using var store = CheckpointStore.OpenReadOnly(tablePath);
        return store.ListJobs()
            .Where(j => !resuming || j.Status is not JobStatus.Done)
            .Where(j => column is null || string.Equals(j.Column, column, StringComparison.OrdinalIgnoreCase))
            .Where(j => j.JobId.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Reverse()
            .Select(j => new CompletionResult(j.JobId, $"{j.JobId} ({j.Column}, {j.Status})", CompletionResultType.ParameterValue,
                $"{j.Column}: {j.Status}, {j.RowsCheckpointed:N0} of {j.RowsPlanned:N0} rows, started {(j.StartedAt ?? j.CreatedAt).ToLocalTime():g}"))
            .ToList(); // before the store closes
    }
}
