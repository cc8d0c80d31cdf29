using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Geneva.Core.Tests;

public class JobLeaseTests
{
    private static GenevaTable WithColumn(TestFolder folder, int rows = 2500) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment: 1000, batchRows: 256)
            .AddColumn("upper", "utf8", TestData.Udf("Upper"));

    private static readonly BackfillRequest s_request = new() { Column = "upper", CheckpointSize = 200, MinCheckpointSize = 200 };

    /// <summary>A job that failed after 3 checkpoints, standing in for one that was interrupted.</summary>
    private static string FailedJob(GenevaTable table)
    {
        var seen = 0;
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && ++seen == 3)
                {
                    throw new IOException("simulated crash");
                }
            }),
        });
        Assert.Throws<IOException>(() => crashing.Start(table, s_request));
        using var store = CheckpointStore.Open(table.Path);
        return Assert.Single(store.ListJobs()).JobId;
    }

    /// <summary>
    /// Resumes <paramref name="jobId"/> and, at its first checkpoint, runs <paramref name="second"/>,
    /// which must fail; returns the first run's result and the second's error.
    /// </summary>
    private static (BackfillResult Result, GenevaException? Refused) ResumeWhileAnotherResumes(GenevaTable table, string? jobId,
        Func<BackfillResult> second)
    {
        GenevaException? refused = null;
        var first = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && refused is null)
                {
                    refused = Assert.Throws<GenevaException>(() => second());
                }
            }),
        });
        return (first.Resume(table.Path, jobId), refused);
    }

    [Fact]
    public void Start_SameColumnWhileAJobRuns_RefusesNamingTheRunningJob()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        GenevaException? refused = null;
        string? runningJob = null;
        var first = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && refused is null)
                {
                    runningJob = p.JobId;
                    refused = Assert.Throws<GenevaException>(() => new BackfillCoordinator().Start(GenevaTable.Open(table.Path), s_request));
                }
            }),
        });
        var result = first.Start(table, s_request);

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.NotNull(refused);
        Assert.Equal(GenevaErrorCode.JobBusy, refused.Code);
        Assert.Equal(runningJob, refused.Target);
        Assert.Contains(runningJob!, refused.Message);
        Assert.Contains($"{Environment.MachineName}:{Environment.ProcessId}:", refused.Message);
        using var store = CheckpointStore.Open(table.Path);
        Assert.Single(store.ListJobs());
    }

    [Fact]
    public void Resume_SameJobWhileItIsResumed_RefusesNamingTheHolder()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var jobId = FailedJob(table);
        var (result, refused) = ResumeWhileAnotherResumes(table, jobId, () => new BackfillCoordinator().Resume(table.Path, jobId));

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal((2500L, 2500L - 600), (result.UdfValuesComputed, result.RunRowsDone)); // no row twice (a static call counter would race other test classes)
        Assert.NotNull(refused);
        Assert.Equal(GenevaErrorCode.JobBusy, refused.Code);
        Assert.Contains($"'{jobId}' is already running", refused.Message);
        Assert.Contains($"{Environment.MachineName}:{Environment.ProcessId}:", refused.Message);
    }

    [Fact]
    public void Resume_WithoutJobIdWhileTheLatestJobRuns_RefusesInsteadOfPickingAnother()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var jobId = FailedJob(table);
        var (_, refused) = ResumeWhileAnotherResumes(table, null, () => new BackfillCoordinator().Resume(table.Path, null));
        Assert.Equal(GenevaErrorCode.JobBusy, refused!.Code);
        Assert.Equal(jobId, refused.Target);
    }

    [Fact]
    public void ListJobs_RunningButNoLiveLease_IsInterruptedEvenWhenItsProcessIdIsAlive()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var jobId = FailedJob(table);
        // A run killed hard leaves 'Running' and its process id, which a live process may reuse (here: this one).
        using (var connection = new SqliteConnection($"Data Source={CheckpointStore.PathFor(table.Path)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE jobs SET status = 'Running', process_id = {Environment.ProcessId}";
            command.ExecuteNonQuery();
        }
        using (var store = CheckpointStore.Open(table.Path))
        {
            Assert.Equal(JobStatus.Interrupted, store.GetJob(jobId)!.Status);
        }
        var result = new BackfillCoordinator().Resume(table.Path, null);
        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(jobId, result.JobId);
    }

    [Fact]
    public void Resume_HolderStoppedHeartbeating_TakesTheLeaseOver()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var jobId = FailedJob(table);
        using (var store = CheckpointStore.Open(table.Path))
        {
            var dead = JobLease.ForJob(store, table, store.GetJob(jobId)!, LeaseOptions.Default, wait: false, CancellationToken.None);
            dead.Abandon(); // a holder that was killed: no release, no more heartbeats
            Assert.Equal(GenevaErrorCode.JobBusy,
                Assert.Throws<GenevaException>(() => new BackfillCoordinator().Resume(table.Path, jobId)).Code);
            ExpireLeases(table.Path);
        }
        var result = new BackfillCoordinator().Resume(table.Path, jobId);
        Assert.Equal(JobStatus.Done, result.Status);
    }

    [Fact]
    public void ListJobs_HolderProcessOnThisMachineIsGone_InterruptedAtOnceAndResumable()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder);
        var jobId = FailedJob(table);
        using (var store = CheckpointStore.Open(table.Path))
        {
            JobLease.ForJob(store, table, store.GetJob(jobId)!, LeaseOptions.Default, wait: false, CancellationToken.None).Abandon();
            Scalar(table.Path, "UPDATE jobs SET status = 'Running'");
            Assert.Equal(JobStatus.Running, store.GetJob(jobId)!.Status);
            // The same lease, as if a process that has exited had taken it (killed: it released nothing).
            using var gone = System.Diagnostics.Process.Start("true")!;
            gone.WaitForExit();
            Scalar(table.Path, $"UPDATE leases SET holder = '{Environment.MachineName}:{gone.Id}:deadbeef'");
            Assert.Equal(JobStatus.Interrupted, store.GetJob(jobId)!.Status);
        }
        Assert.Equal(JobStatus.Done, new BackfillCoordinator().Resume(table.Path, jobId).Status);
    }

    [Fact]
    public void Start_WaitWhileTheColumnIsHeld_RunsOnceTheHolderReleases()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, rows: 500);
        var held = JobLease.ForColumn(table, "upper", "other-job", LeaseOptions.Default, wait: false, CancellationToken.None);
        var waits = 0;
        var coordinator = new BackfillCoordinator(new BackfillRunOptions
        {
            Lease = LeaseOptions.Default with { WaitPoll = TimeSpan.FromMilliseconds(10) },
            Log = line =>
            {
                if (line.StartsWith("Waiting", StringComparison.Ordinal) && waits++ == 0)
                {
                    Assert.Contains("other-job", line);
                    held.Dispose();
                }
            },
        });
        var result = coordinator.Start(table, s_request, waitForLease: true);
        Assert.Equal(1, waits);
        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(500, result.RowsCheckpointed);
    }

    [Fact]
    public void ForColumn_Twice_SecondRefusedUntilTheFirstIsReleased()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, rows: 10);
        var first = JobLease.ForColumn(table, "upper", "a", LeaseOptions.Default, wait: false, CancellationToken.None);
        var e = Assert.Throws<GenevaException>(() =>
            JobLease.ForColumn(table, "UPPER", "b", LeaseOptions.Default, wait: false, CancellationToken.None));
        Assert.Equal(GenevaErrorCode.JobBusy, e.Code);
        Assert.Contains(first.Holder, e.Message);
        first.Dispose();
        using var second = JobLease.ForColumn(table, "upper", "b", LeaseOptions.Default, wait: false, CancellationToken.None);
        Assert.NotEqual(first.Holder, second.Holder);
    }

    [Fact]
    public void ForColumn_WaitCancelled_ThrowsOperationStopped()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, rows: 10);
        using var held = JobLease.ForColumn(table, "upper", "a", LeaseOptions.Default, wait: false, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var e = Assert.Throws<GenevaException>(() => JobLease.ForColumn(table, "upper", "b",
            LeaseOptions.Default with { WaitPoll = TimeSpan.FromMilliseconds(5) }, wait: true, cancel.Token,
            waiting: _ => cancel.Cancel()));
        Assert.Equal(GenevaErrorCode.OperationStopped, e.Code);
    }

    [Fact]
    public void Heartbeat_WhileHeld_PushesTheExpiryForward()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, rows: 10);
        var options = LeaseOptions.Default with { Heartbeat = TimeSpan.FromMilliseconds(20) };
        using var lease = JobLease.ForColumn(table, "upper", "a", options, wait: false, CancellationToken.None);
        var first = ExpiresAt(table.Path);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ExpiresAt(table.Path) == first && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.True(ExpiresAt(table.Path) > first);
    }

    private static long ExpiresAt(string tablePath) => Convert.ToInt64(Scalar(tablePath, "SELECT MAX(expires_at) FROM leases"));

    private static void ExpireLeases(string tablePath) => Scalar(tablePath, "UPDATE leases SET expires_at = 0");

    private static object? Scalar(string tablePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={CheckpointStore.PathFor(tablePath)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
