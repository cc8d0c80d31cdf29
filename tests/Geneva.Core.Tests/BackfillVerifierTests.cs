using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.Core.Verification;

namespace Geneva.Core.Tests;

public class BackfillVerifierTests
{
    private static readonly Func<UdfSpec, BackfillSettings, ITaskExecutor> s_inProcess = (_, _) => new InProcessTaskExecutor();

    /// <summary>2,500 rows in fragments of 1,000, with column c bound to <paramref name="expression"/> and filled.</summary>
    private static GenevaTable Filled(TestFolder folder, string expression = "id * 2", Func<long, string?>? text = null)
    {
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, batchRows: 256, text: text)
            .AddColumn("c", "int64", TestData.Expression(expression));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c" });
        return GenevaTable.Open(table.Path);
    }

    /// <summary>Every file under the table with its size and time: what "writes nothing" is checked against.</summary>
    private static List<string> Files(string path) =>
        Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(path, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToList();

    [Fact]
    public void Verify_CorrectColumn_AllSampledRowsMatch()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var result = BackfillVerifier.Verify(table, new VerificationRequest { Column = "c", Sample = 200, Seed = 1 }, s_inProcess);

        Assert.Equal(2500, result.Rows);
        Assert.Equal(2500, result.Filled);
        Assert.Equal(0, result.Stale + result.Null + result.Failed);
        Assert.Equal(200, result.Sampled);
        Assert.Equal(200, result.Matched);
        Assert.Empty(result.Mismatches);
        Assert.True(result.Passed);
        Assert.Equal(1, result.Seed);
    }

    [Fact]
    public void Verify_NewVersionDiffersOnSomeRows_ReportsThoseRowsByAddressAsStale()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        // Differs from id * 2 only where id % 500 = 499 (integer division): rows 499 and 999 of each fragment.
        var rebound = table.SetBinding("c", TestData.Expression("id * 2 + id % 500 / 499"));
        var result = BackfillVerifier.Verify(rebound, new VerificationRequest { Column = "c", Sample = 5000 }, s_inProcess);

        Assert.Equal(2500, result.Stale);
        Assert.Equal(0, result.Filled);
        Assert.Equal(2500, result.Sampled);
        Assert.Equal(2495, result.Matched);
        Assert.Equal([(0, 499), (0, 999), (1, 499), (1, 999), (2, 499)], result.Mismatches.Select(m => (m.FragmentId, m.RowOffset)));
        var first = result.Mismatches[0];
        Assert.Equal(998L, first.Stored);
        Assert.Equal(999L, first.Recomputed);
        Assert.True(first.Stale);
        Assert.Null(first.Error);
        Assert.Equal(RowAddress.Of(1, 499), result.Mismatches[2].RowAddress);
    }

    [Fact]
    public void Verify_NeverWritesToTheTable_VersionAndFilesUnchanged()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var rebound = table.SetBinding("c", TestData.Expression("id * 3"));
        var before = Files(rebound.Path);

        var result = BackfillVerifier.Verify(rebound, new VerificationRequest { Column = "c", Sample = 100 }, s_inProcess);

        Assert.InRange(result.Mismatched, 99, 100); // id 0 matches; it is in the sample or not
        Assert.Equal(rebound.Version, GenevaTable.Open(rebound.Path).Version);
        Assert.Equal(before, Files(rebound.Path));
    }

    [Fact]
    public void Verify_SameSeed_SameSample_OtherSeed_OtherSample()
    {
        using var folder = new TestFolder();
        var table = Filled(folder).SetBinding("c", TestData.Expression("id * 3"));
        List<(int, int)> Rows(int seed) => BackfillVerifier
            .Verify(table, new VerificationRequest { Column = "c", Sample = 30, Seed = seed }, s_inProcess)
            .Mismatches.Select(m => (m.FragmentId, m.RowOffset)).ToList();

        Assert.Equal(Rows(42), Rows(42));
        Assert.NotEqual(Rows(42), Rows(43));
    }

    [Fact]
    public void Verify_FloatsWithinTolerance_Match_BeyondIt_Mismatch()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 100, rowsPerFragment: 100)
            .AddColumn("f", "float64", TestData.Expression("id / 3.0", "float64"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "f" });
        // The same values to about 1e-9 relative: a different but close computation.
        var close = GenevaTable.Open(table.Path).SetBinding("f", TestData.Expression("id / 3.0 * 1.000000001", "float64"));

        var loose = BackfillVerifier.Verify(close, new VerificationRequest { Column = "f", Sample = 100, Tolerance = 1e-6 }, s_inProcess);
        var tight = BackfillVerifier.Verify(close, new VerificationRequest { Column = "f", Sample = 100, Tolerance = 1e-12 }, s_inProcess);

        Assert.Equal(0, loose.Mismatched);
        Assert.Equal(99, tight.Mismatched); // id 0 is 0 either way
    }

    [Fact]
    public void Verify_UdfThatSkippedRows_CountsThemFailed()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000, text: i => i % 100 == 5 ? "boom" : "x")
            .AddColumn("twice", "int64", TestData.Udf("FailOnBoom") with { OnError = ErrorPolicy.Skip });
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });

        var result = BackfillVerifier.Verify(GenevaTable.Open(table.Path), new VerificationRequest { Column = "twice", Sample = 50 }, s_inProcess);

        Assert.Equal(25, result.Failed);
        Assert.Equal(0, result.Null);
        Assert.Equal(2475, result.Filled);
        Assert.Equal(0, result.Mismatched);
    }

    [Fact]
    public void Verify_UdfFailsOnSampledRowWithValue_IsAMismatchWithTheError()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 300, rowsPerFragment: 100, text: i => i == 150 ? "boom" : "x")
            .AddColumn("twice", "int64", TestData.Expression("id * 2"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "twice" });
        var rebound = GenevaTable.Open(table.Path).SetBinding("twice", TestData.Udf("FailOnBoom"));

        var result = BackfillVerifier.Verify(rebound, new VerificationRequest { Column = "twice", Sample = 300 }, s_inProcess);

        var failed = Assert.Single(result.Mismatches);
        Assert.Equal((1, 50), (failed.FragmentId, failed.RowOffset));
        Assert.Equal(300L, failed.Stored);
        Assert.Null(failed.Recomputed);
        Assert.Contains("boom row", failed.Error);
    }

    [Fact]
    public void Verify_AfterInputColumnRecomputed_CountsRowsStale()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000)
            .AddColumn("a", "int64", TestData.Expression("id * 2"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "a" });
        table = GenevaTable.Open(table.Path).AddColumn("b", "int64", TestData.Expression("a + 1"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "b" });
        Assert.Equal(2500, BackfillVerifier.Verify(GenevaTable.Open(table.Path), new VerificationRequest { Column = "b", Sample = 0 }, s_inProcess).Filled);

        // b's input changes: a is recomputed by a new definition, so b's values came from inputs that are gone.
        GenevaTable.Open(table.Path).SetBinding("a", TestData.Expression("id * 3"));
        new BackfillCoordinator().Start(GenevaTable.Open(table.Path), new BackfillRequest { Column = "a" });
        var result = BackfillVerifier.Verify(GenevaTable.Open(table.Path), new VerificationRequest { Column = "b", Sample = 100, Seed = 7 },
            s_inProcess);

        Assert.Equal(2500, result.Stale);
        Assert.Equal(0, result.Filled);
        Assert.All(result.Mismatches, m => Assert.True(m.Stale));
        Assert.All(result.Mismatches, m => Assert.Equal((long)m.Stored! + (((long)m.Stored! - 1) / 2), (long)m.Recomputed!));
    }

    [Fact]
    public void Verify_FilteredBackfillOfNewVersion_FilteredRowsFilledOthersStale()
    {
        using var folder = new TestFolder();
        var table = Filled(folder, "id * 10").SetBinding("c", TestData.Expression("id * 100"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id < 3" });

        var result = BackfillVerifier.Verify(GenevaTable.Open(table.Path), new VerificationRequest { Column = "c", Sample = 0 }, s_inProcess);

        Assert.Equal(3, result.Filled);
        Assert.Equal(2497, result.Stale);
        Assert.Equal(0, result.Sampled);
    }

    [Fact]
    public void Verify_Where_CountsAndSamplesOnlyMatchingRows()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000)
            .AddColumn("c", "int64", TestData.Expression("id * 2"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "c", Where = "id >= 2000" });
        var rebound = GenevaTable.Open(table.Path).SetBinding("c", TestData.Expression("id * 3"));

        var result = BackfillVerifier.Verify(rebound, new VerificationRequest { Column = "c", Where = "id >= 1990", Sample = 1000 }, s_inProcess);

        Assert.Equal(510, result.Rows);
        Assert.Equal(10, result.Null);
        Assert.Equal(500, result.Stale);
        Assert.Equal(500, result.Sampled);
        Assert.Equal(500, result.Mismatched);
        Assert.All(result.Mismatches, m => Assert.True(m.FragmentId == 2 || m.RowOffset >= 990));
    }

    [Fact]
    public void Verify_MissingColumn_ThrowsColumnNotFound()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var e = Assert.Throws<GenevaException>(() => BackfillVerifier.Verify(table, new VerificationRequest { Column = "nope" }, s_inProcess));
        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
    }

    [Fact]
    public void Verify_UnboundColumn_ThrowsColumnNotBound()
    {
        using var folder = new TestFolder();
        var table = Filled(folder).AddColumn("plain", "int32", null);
        var e = Assert.Throws<GenevaException>(() => BackfillVerifier.Verify(table, new VerificationRequest { Column = "plain" }, s_inProcess));
        Assert.Equal(GenevaErrorCode.ColumnNotBound, e.Code);
    }

    [Theory]
    [InlineData("id +", GenevaErrorCode.ExpressionSyntax)]
    [InlineData("id + 1", GenevaErrorCode.ExpressionInvalid)]
    [InlineData("nope > 1", GenevaErrorCode.ColumnNotFound)]
    public void Verify_BadFilter_ThrowsItsCode(string where, GenevaErrorCode code)
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var e = Assert.ThrowsAny<GenevaException>(() =>
            BackfillVerifier.Verify(table, new VerificationRequest { Column = "c", Where = where }, s_inProcess));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Verify_NegativeTolerance_ThrowsInvalidArgument()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var e = Assert.Throws<GenevaException>(() =>
            BackfillVerifier.Verify(table, new VerificationRequest { Column = "c", Tolerance = -1 }, s_inProcess));
        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Verify_SampleZero_CountsWithoutStartingAnExecutor()
    {
        using var folder = new TestFolder();
        var table = Filled(folder);
        var result = BackfillVerifier.Verify(table, new VerificationRequest { Column = "c", Sample = 0 },
            (_, _) => throw new InvalidOperationException("no executor wanted"));
        Assert.Equal(2500, result.Filled);
        Assert.Equal(0, result.Sampled);
    }

    [Fact]
    public void Verify_DeletedRows_NotCountedOrSampled()
    {
        using var folder = new TestFolder();
        var table = Filled(folder).SetBinding("c", TestData.Expression("id * 3"));
        // Deletes rows the way LanceDB does: an Arrow IPC file of uint32 offsets, named in a new version.
        var deletion = new Storage.Lance.Proto.DeletionFile
        {
            FileType = Storage.Lance.Proto.DeletionFile.Types.DeletionFileType.ArrowArray,
            ReadVersion = (ulong)table.Version,
            Id = 12345,
            NumDeletedRows = 2,
        };
        var file = Path.Combine(table.Path, Storage.Lance.LanceDeletionFile.RelativePath(1, deletion));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var schema = new Apache.Arrow.Schema([new Apache.Arrow.Field("row_id", Apache.Arrow.Types.UInt32Type.Default, false)], null);
        using (var stream = File.Create(file))
        using (var writer = new Apache.Arrow.Ipc.ArrowFileWriter(stream, schema))
        {
            writer.WriteRecordBatch(new Apache.Arrow.RecordBatch(schema, [new Apache.Arrow.UInt32Array.Builder().AppendRange([3u, 7u]).Build()], 2));
            writer.WriteEnd();
        }
        table = table.Commit("delete", "2 rows", m => m with
        {
            Fragments = m.Fragments.Select(f => f.Id == 1 ? f with { Deletion = deletion } : f).ToList(),
        });

        var result = BackfillVerifier.Verify(table, new VerificationRequest { Column = "c", Sample = 100_000 }, s_inProcess);

        Assert.Equal(2498, result.Rows);
        Assert.Equal(2498, result.Stale);
        Assert.Equal(2498, result.Sampled);
        Assert.DoesNotContain(result.Mismatches, m => m.FragmentId == 1 && m.RowOffset is 3 or 7);
        Assert.Contains(result.Mismatches, m => m.FragmentId == 1 && m.RowOffset == 4);
    }
}

/// <summary>Verification and plan sampling through a real Geneva.Worker process, as the cmdlets run them.</summary>
[Collection(WorkerProcessCollection.Name)]
public class BackfillVerifierWorkerTests
{
    private static readonly Func<UdfSpec, BackfillSettings, ITaskExecutor> s_worker =
        (_, _) => new ProcessTaskExecutor(TestData.WorkerLauncher, workers: 1, instancesPerWorker: 1);

    [Fact]
    public void Verify_InWorker_FindsMismatchesAndWritesNothing()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000).AddColumn("len", "int32", TestData.Udf("StringLength"));
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        var rebound = GenevaTable.Open(table.Path).SetBinding("len", TestData.Expression("length(text) + id % 1000 / 999", "int32"));
        var before = Directory.GetFiles(table.Path, "*", SearchOption.AllDirectories).Order().Select(f => (f, new FileInfo(f).Length)).ToList();

        var result = BackfillVerifier.Verify(rebound, new VerificationRequest { Column = "len", Sample = 3000, CallRows = 700 }, s_worker);

        Assert.Equal(2500, result.Sampled);
        Assert.Equal([(0, 999), (1, 999)], result.Mismatches.Select(m => (m.FragmentId, m.RowOffset)));
        Assert.Equal(before, Directory.GetFiles(table.Path, "*", SearchOption.AllDirectories).Order().Select(f => (f, new FileInfo(f).Length)).ToList());
    }

    [Fact]
    public void Measure_InWorker_ReportsRates()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000).AddColumn("len", "int32", TestData.Udf("StringLength"));
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "len", Concurrency = 1 });
        var s = BackfillPlanSampler.Measure(table, plan, 500, seed: 1, s_worker).Sample!;
        Assert.Equal(500, s.SampledRows);
        Assert.True(s.RowsPerSecond > 0 && s.FirstResultSeconds > 0 && s.EstimatedSeconds > s.FirstResultSeconds);
    }
}
