using System.Management.Automation;
using Geneva.PowerShell.Infrastructure;

namespace Geneva.PowerShell.Jobs;

/// <summary>Starts a backfill as a job in the cmdlet's session and writes the job object.</summary>
internal static class BackfillJobs
{
    public static void Start(PSCmdlet cmdlet, BackfillLaunch launch, string? name)
    {
        var job = new GenevaBackfillJob(launch, name);
        cmdlet.JobRepository.Add(job);
        job.StartJob();
        cmdlet.WriteObject(job);
    }
}
