using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Geneva.Core.Checkpoints;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of -JobId from the table's job database (read-only), newest first, each with its column,
/// status and start. Resume-GenevaBackfill offers only jobs that can resume (not done), of -Column when given.
/// </summary>
public sealed class JobIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            if (CompleterTable.PathOf(commandAst, fakeBoundParameters) is not { } path)
            {
                return [];
            }
            var resuming = commandName.StartsWith("Resume-", StringComparison.OrdinalIgnoreCase);
            var column = resuming ? fakeBoundParameters["Column"] as string : null;
            using var store = CheckpointStore.OpenReadOnly(path);
            return store.ListJobs()
                .Where(j => !resuming || j.Status is not JobStatus.Done)
                .Where(j => column is null || string.Equals(j.Column, column, StringComparison.OrdinalIgnoreCase))
                .Where(j => j.JobId.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
                .Reverse()
                .Select(j => new CompletionResult(j.JobId, $"{j.JobId} ({j.Column}, {j.Status})", CompletionResultType.ParameterValue,
                    $"{j.Column}: {j.Status}, {j.RowsCheckpointed:N0} of {j.RowsPlanned:N0} rows, started {(j.StartedAt ?? j.CreatedAt).ToLocalTime():g}"))
                .ToList();
        }
        catch (Exception)
        {
            return []; // completion must never throw into the user's prompt
        }
    }
}
