using System.Management.Automation;
using Geneva.Core.Checkpoints;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Jobs;

/// <summary>Starts a backfill as a job in the cmdlet's session and writes the job object.</summary>
internal static class BackfillJobs
{
    /// <summary>
    /// Starts <paramref name="launch"/> as a job named by <see cref="NameFor"/>, so Start-GenevaBackfill's and
    /// Resume-GenevaBackfill's jobs of a column look alike in Get-Job and Get-Job -Name takes a wildcard of them.
    /// </summary>
    public static void Start(PSCmdlet cmdlet, BackfillLaunch launch, string column)
    {
        var job = new GenevaBackfillJob(launch, NameFor(launch.Table, column));
        cmdlet.JobRepository.Add(job);
        job.StartJob();
        cmdlet.WriteObject(job);
    }

    /// <summary>
    /// The one rule for a backfill job's name: <c>Geneva:&lt;table&gt;:&lt;column&gt;</c>, the table being its folder's
    /// name without a <c>.lance</c> extension (LanceDB's table name), for example <c>Geneva:items:tlen</c>.
    /// </summary>
    public static string NameFor(string tablePath, string column)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(tablePath));
        var table = folder.EndsWith(".lance", StringComparison.OrdinalIgnoreCase) ? folder[..^".lance".Length] : folder;
        return $"Geneva:{table}:{column}";
    }

    /// <summary>
    /// The column a resume will compute, for its job's name: the job's, or the newest unfinished job's (of
    /// <paramref name="column"/> when given), as the engine will pick it; <c>*</c> when there is none (the job then fails).
    /// </summary>
    public static string ResumedColumn(string tablePath, string? jobId, string? column)
    {
        try
        {
            using var store = CheckpointStore.OpenReadOnly(tablePath);
            var job = jobId is not null
                ? store.GetJob(jobId)
                : store.ListJobs().LastOrDefault(j => j.Status is not JobStatus.Done &&
                                                      (column is null || string.Equals(j.Column, column, StringComparison.OrdinalIgnoreCase)));
            return job?.Column ?? column ?? "*";
        }
        catch (Exception)
        {
            return column ?? "*"; // no table or database: the resume itself reports it
        }
    }
}
