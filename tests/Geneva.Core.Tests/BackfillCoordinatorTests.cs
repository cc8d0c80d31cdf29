using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.TestUdfs;

namespace Geneva.Core.Tests;

public class BackfillCoordinatorTests
{
    private static GenevaTable WithColumn(TestFolder folder, string udfType, string column = "len", string type = "int32",
        int rows = 2500, Func<long, string?>? text = null)
    {
        var table = TestData.Create(folder.Table(), rows, rowsPerFragment: 1000, batchRows: 256, text: text);
        return table.AddColumn(column, type, TestData.Udf(udfType));
    }

    private static int Utf8Length(string s) => System.Globalization.StringInfo.ParseCombiningCharacters(s).Length;

    [Fact]
    public void Start_NewColumn_FillsEveryRowAndCommitsOnce()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len", CheckpointSize = 300 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(2500, result.RowsCheckpointed);
        Assert.Equal(2500, result.UdfValuesComputed);
        Assert.Equal(3, result.FragmentsCommitted);
        var latest = GenevaTable.Open(table.Path);
        Assert.Equal(table.Version + 1, latest.Version);
        var expected = Enumerable.Range(0, 2500).Select(i => (object?)Utf8Length(TestData.TextFor(i)));
        Assert.Equal(expected, TestData.Column(latest, "len"));
        // One Lance file per fragment for the column, and the spent checkpoints are gone.
        Assert.All(latest.Manifest.Fragments, f => Assert.EndsWith(".lance", Assert.Single(f.FilesFor(latest.Manifest.GetField("len").Id)).Path));
        Assert.Empty(Directory.GetFiles(Path.Combine(table.Path, Checkpoints.CheckpointFiles.Folder)));
    }

    [Fact]
    public void Start_AgainAfterDone_PlansNothing()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "len" });
        Assert.Empty(plan.Fragments);
        Assert.Equal(3, plan.SkippedFragments);
    }

    [Fact]
    public void Start_AgainAfterUdfReturnedNulls_PlansNothingAndCommitsNoVersion()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength", text: i => i % 10 == 0 ? null : "abc");
        var first = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        Assert.Equal(250, TestData.Column(GenevaTable.Open(table.Path), "len").Count(v => v is null));
        // A null the current version computed counts as computed.
        var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), new BackfillRequest { Column = "len" });
        Assert.Empty(plan.Fragments);
        var again = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "len" });
        Assert.Equal((JobStatus.Done, 0L, 0), (again.Status, again.UdfValuesComputed, again.FragmentsCommitted));
        Assert.Equal(first.TableVersion, again.TableVersion);
        Assert.Equal(first.TableVersion, GenevaTable.Open(table.Path).Version);
    }

    [Fact]
    public void Start_AgainAfterSkippedRows_RetriesThemOnlyWithRetryErrors()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "BoomUntilFixed", "twice", "int64", text: i => i is 5 or 1500 or 2400 ? "boom" : "ok");
        BoomUntilFixed.Fixed = false;
        try
        {
            var first = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
            Assert.Equal(3, first.ErrorCount);

            // A plain run leaves the skipped rows alone: nothing planned, no version, no duplicate errors.
            var plain = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "twice" });
            Assert.Equal((0L, 0L, first.TableVersion), (plain.UdfValuesComputed, plain.ErrorCount, plain.TableVersion));

            // Retrying rows that fail again changes nothing, so it commits nothing either.
            var retry = new BackfillRequest { Column = "twice", RetryErrors = true };
            var plan = BackfillCoordinator.Plan(GenevaTable.Open(table.Path), retry);
            Assert.Equal((3, 3L), (plan.FragmentCount, plan.RowsToCompute));
            Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Nulls, f.Mode));
            var failedAgain = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), retry);
            Assert.Equal((3L, 3L, 0), (failedAgain.UdfValuesComputed, failedAgain.ErrorCount, failedAgain.FragmentsCommitted));
            Assert.Equal(first.TableVersion, GenevaTable.Open(table.Path).Version);

            BoomUntilFixed.Fixed = true;
            var fixedRun = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), retry);
            Assert.Equal((3L, 0L, 3), (fixedRun.UdfValuesComputed, fixedRun.ErrorCount, fixedRun.FragmentsCommitted));
            Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)(i * 2L)), TestData.Column(GenevaTable.Open(table.Path), "twice"));
            Assert.Empty(BackfillCoordinator.Plan(GenevaTable.Open(table.Path), retry).Fragments);
        }
        finally
        {
            BoomUntilFixed.Fixed = false;
        }
    }

    [Fact]
    public void Start_RetryErrorsWhereTheUdfReturnsNullAndSkippedRowsFailAgain_CommitsNoVersion()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "QuietOrBoomUntilFixed", "twice", "int64",
            text: i => i % 10 == 0 ? "quiet" : i is 5 or 1505 ? "boom" : "ok");
        QuietOrBoomUntilFixed.Fixed = false;
        try
        {
            var first = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
            Assert.Equal(2, first.ErrorCount);

            // The null rows (250 the UDF returned null for, 2 skipped) are computed again; none gets a value,
            // so no fragment changes and no version is committed, however often the retry runs.
            var retry = new BackfillRequest { Column = "twice", RetryErrors = true };
            for (var run = 0; run < 2; run++)
            {
                var again = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), retry);
                Assert.Equal((252L, 0), (again.UdfValuesComputed, again.FragmentsCommitted));
                Assert.Equal(first.TableVersion, GenevaTable.Open(table.Path).Version);
            }

            QuietOrBoomUntilFixed.Fixed = true;
            var fixedRun = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), retry);
            Assert.Equal(2, fixedRun.FragmentsCommitted);
            var values = TestData.Column(GenevaTable.Open(table.Path), "twice");
            Assert.Equal((object?)10L, values[5]);
            Assert.Null(values[10]);
        }
        finally
        {
            QuietOrBoomUntilFixed.Fixed = false;
        }
    }

    [Fact]
    public void Start_RetryErrorsOverAMostlyFilledFragment_MakesAHandfulOfCheckpoints()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10_000, rowsPerFragment: 5000, batchRows: 256,
                text: i => i is >= 4990 and <= 5010 ? "boom" : "ok")
            .AddColumn("twice", "int64", TestData.Udf("BoomUntilFixed"));
        BoomUntilFixed.Fixed = false;
        try
        {
            new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
            BoomUntilFixed.Fixed = true;
            var result = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "twice", RetryErrors = true });
            Assert.Equal(21, result.UdfValuesComputed);
            Assert.InRange(result.Checkpoints, 2, 4);
            Assert.DoesNotContain(null, TestData.Column(GenevaTable.Open(table.Path), "twice"));
        }
        finally
        {
            BoomUntilFixed.Fixed = false;
        }
    }

    [Fact]
    public void Start_AfterAppend_ComputesOnlyNewFragment()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var appended = GenevaTable.Open(table.Path).Append(TestData.Schema, TestData.Batches(2500, 100, 50));
        var plan = BackfillCoordinator.Plan(appended, new BackfillRequest { Column = "len" });
        Assert.Equal([3], plan.Fragments.Select(f => f.FragmentId));
        var result = new BackfillCoordinator().Start(appended, new BackfillRequest { Column = "len" });
        Assert.Equal(100, result.UdfValuesComputed);
        Assert.DoesNotContain(null, TestData.Column(GenevaTable.Open(table.Path), "len"));
    }

    [Fact]
    public void Start_NumFrags_ProcessesThatManyThenContinues()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var first = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len", NumFrags = 2 });
        Assert.Equal(2, first.FragmentsCommitted);
        Assert.Equal(1, first.FragmentsDeferred);
        var second = new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "len", NumFrags = 2 });
        Assert.Equal(1, second.FragmentsCommitted);
        Assert.Equal(500, second.UdfValuesComputed);
    }

    [Fact]
    public void Start_CommitGranularityOne_CommitsAVersionPerFragment()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len", CommitGranularity = 1 });
        Assert.Equal(table.Version + 3, result.TableVersion);
    }

    [Fact]
    public void Start_FixedCheckpointSize_CheckpointsHaveThatSize()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var result = new BackfillCoordinator().Start(table,
            new BackfillRequest { Column = "len", CheckpointSize = 100, MinCheckpointSize = 100 });
        using var store = CheckpointStore.Open(table.Path);
        var sizes = store.ForJob(result.JobId).Select(c => c.RowCount).ToList();
        Assert.Equal(25, sizes.Count);
        Assert.All(sizes, s => Assert.Equal(100, s));
    }

    [Fact]
    public void Start_Adaptive_FirstCheckpointIsAProofOfLifeBatchThenGrows()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len", CheckpointSize = 1000, MinCheckpointSize = 3 });
        using var store = CheckpointStore.Open(table.Path);
        var sizes = store.ForJob(result.JobId).Select(c => c.RowCount).ToList();
        Assert.Equal(AdaptiveCheckpointSizer.ProofOfLifeRows, sizes[0]); // a small batch, not the minimum of 3 (nor one row)
        Assert.True(sizes.Max() > AdaptiveCheckpointSizer.ProofOfLifeRows);
        Assert.All(sizes, s => Assert.InRange(s, 1, 1000));
        Assert.Equal(2500, sizes.Sum());
    }

    [Fact]
    public void Resume_AfterCrash_RecomputesNothingCheckpointed()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "CountingUpper", "upper", "utf8");
        var checkpointsSeen = 0;
        // A progress callback that throws after 7 checkpoints stands in for a crash at that point.
        var crashing = new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && ++checkpointsSeen == 7)
                {
                    throw new IOException("simulated crash");
                }
            }),
        });
        var request = new BackfillRequest { Column = "upper", CheckpointSize = 200, MinCheckpointSize = 200 };
        CountingUpper.Calls = 0;
        Assert.Throws<IOException>(() => crashing.Start(table, request));
        var callsBefore = CountingUpper.Calls;
        Assert.Equal(7 * 200, callsBefore);

        using (var store = CheckpointStore.Open(table.Path))
        {
            var job = Assert.Single(store.ListJobs());
            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Equal(1400, job.RowsCheckpointed);
        }
        var resumed = new BackfillCoordinator().Resume(table.Path, null);
        Assert.Equal(JobStatus.Done, resumed.Status);
        Assert.Equal(2500 - 1400, CountingUpper.Calls - callsBefore);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (object?)TestData.TextFor(i).ToUpperInvariant()),
            TestData.Column(GenevaTable.Open(table.Path), "upper"));
    }

    [Fact]
    public void Resume_Column_TakesThatColumnsNewestUnfinishedJobNotANewerOneOfAnother()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 600, rowsPerFragment: 200)
            .AddColumn("a", "int64", TestData.Expression("id * 2"))
            .AddColumn("b", "int64", TestData.Expression("id * 3"));
        BackfillResult Crash(string column) => new BackfillCoordinator(new BackfillRunOptions
        {
            Progress = InlineProgress.AtFirstCheckpoint(() => throw new IOException("simulated crash")),
        }).Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = column, CheckpointSize = 100, MinCheckpointSize = 100 });
        Assert.Throws<IOException>(() => Crash("a"));
        Assert.Throws<IOException>(() => Crash("b"));

        var resumed = new BackfillCoordinator().Resume(table.Path, null, column: "A");

        Assert.Equal(("a", JobStatus.Done), (resumed.Column, resumed.Status));
        using (var store = CheckpointStore.Open(table.Path))
        {
            Assert.Equal(JobStatus.Failed, store.ListJobs().Single(j => j.Column == "b").Status);
        }
        var e = Assert.Throws<GenevaException>(() => new BackfillCoordinator().Resume(table.Path, null, column: "a"));
        Assert.Equal(GenevaErrorCode.JobNotFound, e.Code);
        Assert.Contains("for column 'a'", e.Message);
        var jobB = new BackfillCoordinator().Resume(table.Path, null, column: "b");
        Assert.Equal(("b", JobStatus.Done), (jobB.Column, jobB.Status));
    }

    [Fact]
    public void Resume_DoneJob_ThrowsJobNotResumable_AndUnknownThrowsJobNotFound()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        Assert.Equal(GenevaErrorCode.JobNotResumable,
            Assert.Throws<GenevaException>(() => new BackfillCoordinator().Resume(table.Path, result.JobId)).Code);
        Assert.Equal(GenevaErrorCode.JobNotFound,
            Assert.Throws<GenevaException>(() => new BackfillCoordinator().Resume(table.Path, "nope")).Code);
    }

    [Fact]
    public void Start_StatefulUdf_SetUpOncePerRun()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "CountingUpper", "upper", "utf8");
        var setups = CountingUpper.Setups;
        var disposals = CountingUpper.Disposals;
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "upper", CheckpointSize = 100, MinCheckpointSize = 100 });
        Assert.Equal(setups + 1, CountingUpper.Setups);
        Assert.Equal(disposals + 1, CountingUpper.Disposals);
    }

    [Fact]
    public void Start_ScalarFailPolicy_FailsJobAndRecordsRow()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "FailOnBoom", "twice", "int64", text: i => i == 1234 ? "boom" : "ok");
        var e = Assert.Throws<UdfFailedException>(() => new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" }));
        Assert.Contains("row 234", e.Message);
        using var store = CheckpointStore.Open(table.Path);
        var job = Assert.Single(store.ListJobs());
        Assert.Equal(JobStatus.Failed, job.Status);
        var error = Assert.Single(store.ListErrors(job.JobId));
        Assert.Equal((1, 234, "Fail"), (error.FragmentId, error.RowOffset, error.Action));
        Assert.Contains("boom row", error.Message);
        // Fragment 0 finished before the failure and was committed; nothing of fragment 1 was.
        var values = TestData.Column(GenevaTable.Open(table.Path), "twice");
        Assert.Equal(0L, values[0]);
        Assert.Null(values[1234]);
    }

    [Fact]
    public void Start_ScalarSkipPolicy_NullsFailingRowAndRecordsIt()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, text: i => i % 100 == 5 ? "boom" : "ok");
        table = table.AddColumn("twice", "int64", TestData.Udf("FailOnBoom") with { OnError = Udfs.ErrorPolicy.Skip });
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
        Assert.Equal(3, result.ErrorCount);
        var values = TestData.Column(GenevaTable.Open(table.Path), "twice");
        Assert.Null(values[105]);
        Assert.Equal(212L, values[106]);
        using var store = CheckpointStore.Open(table.Path);
        Assert.Equal([5, 105, 205], store.ListErrors(result.JobId).Select(e => e.RowOffset));
    }

    [Fact]
    public void Start_BatchSkipPolicy_BisectsToTheFailingRows()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "BatchFailOnBoom", rows: 1000, text: i => i is 17 or 700 ? "boom" : "abc");
        var result = new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var values = TestData.Column(GenevaTable.Open(table.Path), "len");
        Assert.Null(values[17]);
        Assert.Null(values[700]);
        Assert.Equal(998, values.Count(v => v is 3));
        using var store = CheckpointStore.Open(table.Path);
        Assert.Equal([17, 700], store.ListErrors(result.JobId).Where(e => e.Action == "Skip").Select(e => e.RowOffset));
    }

    [Fact]
    public void Start_TransientFailures_RetriedThenSucceed()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "Flaky", rows: 50);
        Flaky.Calls = 0;
        var waits = new List<TimeSpan>();
        var result = new BackfillCoordinator(new BackfillRunOptions { Sleep = (d, _) => waits.Add(d) })
            .Start(table, new BackfillRequest { Column = "len" });
        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(2, waits.Count);
        Assert.All(waits, w => Assert.InRange(w.TotalSeconds, 1, 4));
        Assert.Equal(2, result.ErrorCount);
        Assert.DoesNotContain(null, TestData.Column(GenevaTable.Open(table.Path), "len"));
    }

    [Theory]
    [InlineData("WrongType", "int32", "int64 values")]
    [InlineData("WrongLength", "int64", "returned 299 values for 300 rows")]
    public void Start_UdfReturnsWrongShape_FailsWithUdfOutputInvalid(string udf, string type, string message)
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, batchRows: 512).AddColumn("bad", type, TestData.Udf(udf));
        var e = Assert.Throws<GenevaException>(() => new BackfillCoordinator().Start(table,
            new BackfillRequest { Column = "bad", CheckpointSize = 300, MinCheckpointSize = 300 }));
        Assert.Equal(GenevaErrorCode.UdfOutputInvalid, e.Code);
        Assert.Contains(message, e.Message);
        Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);
    }

    [Fact]
    public void Start_Cancelled_RecordsStoppedAndResumeFinishes()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        var options = new BackfillRunOptions
        {
            Cancel = cancel.Token,
            Progress = new SyncProgress(p =>
            {
                if (p.Event is null && ++seen == 4)
                {
                    cancel.Cancel();
                }
            }),
        };
        var stopped = new BackfillCoordinator(options).Start(table,
            new BackfillRequest { Column = "len", CheckpointSize = 250, MinCheckpointSize = 250 });
        Assert.Equal(JobStatus.Stopped, stopped.Status);
        Assert.Equal(1000, stopped.RowsCheckpointed);
        var resumed = new BackfillCoordinator().Resume(table.Path, stopped.JobId);
        Assert.Equal((2500L, 1500L), (resumed.UdfValuesComputed, resumed.RunRowsDone)); // the job's count goes on
        Assert.DoesNotContain(null, TestData.Column(GenevaTable.Open(table.Path), "len"));
    }

    [Fact]
    public void Plan_UnboundColumn_ThrowsColumnNotBound()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 10).AddColumn("plain", "int32", null);
        var e = Assert.Throws<GenevaException>(() => BackfillCoordinator.Plan(table, new BackfillRequest { Column = "plain" }));
        Assert.Equal(GenevaErrorCode.ColumnNotBound, e.Code);
    }

    [Fact]
    public void Plan_AfterRebind_RecomputesWholeFragmentsAsStale()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength");
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var rebound = GenevaTable.Open(table.Path).SetBinding("len", TestData.Udf("StringLength") with { Version = "2" });
        var plan = BackfillCoordinator.Plan(rebound, new BackfillRequest { Column = "len" });
        Assert.Equal(3, plan.FragmentCount);
        Assert.All(plan.Fragments, f => Assert.Equal(FragmentMode.Stale, f.Mode));
        Assert.Equal(2500, plan.RowsToCompute);
    }
}
