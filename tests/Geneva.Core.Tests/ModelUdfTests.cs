using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.Torch.Launch;

namespace Geneva.Core.Tests;

/// <summary>
/// Model UDFs end to end: TorchScript files saved by PyTorch (tests/models/make_models.py) run
/// through real Geneva.Torch.Worker processes (on the private runtime where the system libstdc++
/// is too old), and the column equals PyTorch's own outputs for the same inputs. This test process
/// never loads libtorch.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public class ModelUdfTests
{
    private static readonly string s_models = Path.Combine(TestData.Repo, "tests", "models");
    private static readonly string s_workerDll = TestData.TorchWorkerDll;

    private const int Rows = 40;

    private static ProcessTaskExecutor Executor() => new(new TorchWorkerLauncher(s_workerDll, TestData.TorchRuntime), 1, 1);

    private static JsonElement Expected(string model) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(s_models, "expected.json"))).RootElement.GetProperty("outputs").GetProperty(model);

    private static UdfSpec Model(string file, string input, string output, int? batchSize = null) => new()
    {
        Name = Path.GetFileNameWithoutExtension(file),
        Kind = UdfKind.Model,
        Source = Path.Combine(s_models, file),
        SourceHash = UdfSourceHash.OfFiles(Path.Combine(s_models, file)),
        InputColumns = [input],
        OutputType = output,
        Batched = true,
        Device = "auto",
        BatchSize = batchSize,
    };

    /// <summary>The inputs make_models.py feeds PyTorch, as Arrow columns, in fragments of 16 rows.</summary>
    private static GenevaTable Table(TestFolder folder, string name = "t")
    {
        var vectorType = new FixedSizeListType(new Field("item", FloatType.Default, false), 4);
        var tokenType = new ListType(new Field("item", Int64Type.Default, false));
        var schema = new Schema([
            new Field("id", Int64Type.Default, false),
            new Field("vec", vectorType, false),
            new Field("tokens", tokenType, false),
        ], null);
        var ids = new Int64Array.Builder();
        var vectorValues = new FloatArray.Builder();
        var tokens = new ListArray.Builder(Int64Type.Default);
        var tokenValues = (Int64Array.Builder)tokens.ValueBuilder;
        for (var r = 0; r < Rows; r++)
        {
            ids.Append(r);
            for (var c = 0; c < 4; c++)
            {
                vectorValues.Append((float)((r * 4 + c) / 10.0 - 8.0));
            }
            tokens.Append();
            for (var k = 0; k < r % 5 + 1; k++)
            {
                tokenValues.Append((r + k) % 15 + 1);
            }
        }
        var vectors = new FixedSizeListArray(new ArrayData(vectorType, Rows, 0, 0, [ArrowBuffer.Empty], [vectorValues.Build().Data]));
        var batch = new RecordBatch(schema, [ids.Build(), vectors, tokens.Build()], Rows);
        return GenevaTable.Create(folder.Table(name), schema, [batch], new TableWriteOptions { MaxRowsPerFragment = 16 });
    }

    private static List<float[]> Backfill(GenevaTable table, UdfSpec udf, string column = "out")
    {
        table = table.AddColumn(column, udf.OutputType, udf);
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = Executor() })
            .Start(table, new BackfillRequest { Column = column, CheckpointSize = 10 });
        Assert.Equal(JobStatus.Done, result.Status);
        using (var store = CheckpointStore.Open(table.Path))
        {
            // CPU libtorch: "auto" finds no CUDA, and the job says so.
            Assert.Equal("cpu", store.GetJob(result.JobId)!.Device);
        }
        return TestData.FloatRows(GenevaTable.Open(table.Path), column);
    }

    private static void AssertClose(JsonElement expected, List<float[]> actual)
    {
        Assert.Equal(Rows, actual.Count);
        for (var r = 0; r < Rows; r++)
        {
            var want = expected[r].ValueKind == JsonValueKind.Array
                ? expected[r].EnumerateArray().Select(v => v.GetSingle()).ToArray()
                : [expected[r].GetSingle()];
            Assert.Equal(want.Length, actual[r].Length);
            for (var c = 0; c < want.Length; c++)
            {
                Assert.True(Math.Abs(want[c] - actual[r][c]) < 1e-5, $"row {r} value {c}: PyTorch {want[c]}, backfill {actual[r][c]}");
            }
        }
    }

    [Fact]
    public void Backfill_FixedSizeListInput_EqualsPyTorch()
    {
        using var folder = new TestFolder();
        var rows = Backfill(Table(folder), Model("linear4to3.pt", "vec", "fixed_size_list<float32>[3]", batchSize: 7));
        AssertClose(Expected("linear4to3.pt"), rows);
    }

    [Fact]
    public void Backfill_VariableLengthListInput_PaddedPerBatch_EqualsPyTorch()
    {
        using var folder = new TestFolder();
        // Batches of 3 rows pad to their own longest list, not the table's; the mean ignores padding either way.
        var rows = Backfill(Table(folder), Model("mean_embedding.pt", "tokens", "fixed_size_list<float32>[4]", batchSize: 3));
        AssertClose(Expected("mean_embedding.pt"), rows);
    }

    [Fact]
    public void Backfill_ScalarInputToFloat32_EqualsPyTorch()
    {
        using var folder = new TestFolder();
        var rows = Backfill(Table(folder), Model("halve.pt", "id", "float32"));
        AssertClose(Expected("halve.pt"), rows);
    }

    [Fact]
    public void Backfill_BatchRunsOutOfDeviceMemory_IsSplitAndStillEqualsPyTorch()
    {
        using var folder = new TestFolder();
        // Every forward pass over more than 2 rows fails as a CUDA OOM would; the worker inherits this.
        Environment.SetEnvironmentVariable(TorchFault.OomAbove, "2");
        try
        {
            var rows = Backfill(Table(folder), Model("linear4to3.pt", "vec", "fixed_size_list<float32>[3]", batchSize: 8));
            AssertClose(Expected("linear4to3.pt"), rows);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchFault.OomAbove, null);
        }
    }

    [Fact]
    public void Resume_AfterOutOfMemorySplit_StartsAtTheLearnedBatchSizeInANewWorker()
    {
        using var folder = new TestFolder();
        var log = Path.Combine(folder.Path, "oom.log");
        Environment.SetEnvironmentVariable(TorchFault.OomAbove, "2");
        Environment.SetEnvironmentVariable(TorchFault.Trace, log);
        try
        {
            var table = Table(folder).AddColumn("out", "fixed_size_list<float32>[3]",
                Model("linear4to3.pt", "vec", "fixed_size_list<float32>[3]", batchSize: 8));
            using var cancel = new CancellationTokenSource();
            var stopped = new BackfillCoordinator(new BackfillRunOptions
            {
                Executor = Executor(),
                Cancel = cancel.Token,
                Progress = new SyncProgress(p =>
                {
                    if (p.Event is null)
                    {
                        cancel.Cancel(); // after the first checkpoint
                    }
                }),
            }).Start(table, new BackfillRequest { Column = "out", CheckpointSize = 10, MinCheckpointSize = 10 });
            Assert.Equal(JobStatus.Stopped, stopped.Status);
            var splitsBeforeResume = TorchFault.Count(log, "oom");
            Assert.True(splitsBeforeResume >= 2, $"8 -> 4 -> 2 takes two simulated out-of-memory errors, saw {splitsBeforeResume}");
            using (var store = CheckpointStore.Open(table.Path))
            {
                Assert.Equal(2, store.LearnedBatchSize(stopped.JobId));
            }

            // A fresh executor starts a fresh worker process: only the job database remembers the size.
            var resumed = new BackfillCoordinator(new BackfillRunOptions { Executor = Executor() }).Resume(table.Path, stopped.JobId);
            Assert.Equal(JobStatus.Done, resumed.Status);
            Assert.Equal(splitsBeforeResume, TorchFault.Count(log, "oom"));
            using (var store = CheckpointStore.Open(table.Path))
            {
                Assert.Equal(2, store.GetJob(stopped.JobId)!.BatchSize);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchFault.OomAbove, null);
            Environment.SetEnvironmentVariable(TorchFault.Trace, null);
        }
    }

    [Fact]
    public void PooledWorker_NextBackfillOfTheSameModel_ReusesTheLoadedModel_AnotherModelReplacesIt()
    {
        using var folder = new TestFolder();
        var trace = Path.Combine(folder.Path, "trace.log");
        Environment.SetEnvironmentVariable(TorchFault.Trace, trace);
        try
        {
            using var pool = new WorkerPool(TimeSpan.FromMinutes(1));
            var linear = Model("linear4to3.pt", "vec", "fixed_size_list<float32>[3]", batchSize: 8);
            List<float[]> Run(string name, UdfSpec udf)
            {
                var table = Table(folder, name).AddColumn("out", udf.OutputType, udf);
                var result = new BackfillCoordinator(new BackfillRunOptions
                {
                    Executor = new ProcessTaskExecutor(new TorchWorkerLauncher(s_workerDll, TestData.TorchRuntime), 1, 1, pool: pool),
                }).Start(table, new BackfillRequest { Column = "out", CheckpointSize = 10 });
                Assert.Equal(JobStatus.Done, result.Status);
                return TestData.FloatRows(GenevaTable.Open(table.Path), "out");
            }

            AssertClose(Expected("linear4to3.pt"), Run("a", linear));
            AssertClose(Expected("linear4to3.pt"), Run("b", linear));
            Assert.Equal(1, TorchFault.Count(trace, "load")); // another table, another job: the same model, still loaded

            AssertClose(Expected("mean_embedding.pt"), Run("c", Model("mean_embedding.pt", "tokens", "fixed_size_list<float32>[4]", batchSize: 3)));
            Assert.Equal(2, TorchFault.Count(trace, "load"));
            Assert.Equal(1, pool.IdleCount);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchFault.Trace, null);
        }
    }

    /// <summary>The fault hooks of Geneva.Torch's TorchModelUdf (this project does not reference it).</summary>
    private static class TorchFault
    {
        public const string OomAbove = "GENEVA_TORCH_FAULT_OOM_ABOVE";
        public const string Trace = "GENEVA_TORCH_TRACE";

        /// <summary>The trace's lines of one kind: "oom" (a simulated out-of-memory) or "load" (a model loaded).</summary>
        public static int Count(string trace, string kind) =>
            File.Exists(trace) ? File.ReadAllLines(trace).Count(l => l.StartsWith(kind + " ", StringComparison.Ordinal)) : 0;
    }

    [Fact]
    public void Backfill_ModelReturnsWrongShape_FailsWithUdfOutputInvalid()
    {
        using var folder = new TestFolder();
        var table = Table(folder).AddColumn("bad", "fixed_size_list<float32>[5]",
            Model("linear4to3.pt", "vec", "fixed_size_list<float32>[5]"));
        var e = Assert.ThrowsAny<GenevaException>(() => new BackfillCoordinator(new BackfillRunOptions { Executor = Executor() })
            .Start(table, new BackfillRequest { Column = "bad" }));
        Assert.Contains("returned shape [", e.Message);
        Assert.Contains("needs [", e.Message);
    }

    [Fact]
    public void StartInfo_OpenMpThreadsWaitPassively_UnlessTheSessionChose()
    {
        var launcher = new TorchWorkerLauncher(s_workerDll, TestData.TorchRuntime);
        Assert.Equal("PASSIVE", launcher.StartInfo(1).Environment[TorchWorkerLauncher.OpenMpWaitPolicyVariable]);
        Environment.SetEnvironmentVariable(TorchWorkerLauncher.OpenMpWaitPolicyVariable, "ACTIVE");
        try
        {
            Assert.Equal("ACTIVE", launcher.StartInfo(1).Environment[TorchWorkerLauncher.OpenMpWaitPolicyVariable]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchWorkerLauncher.OpenMpWaitPolicyVariable, null);
        }
    }

    [Fact]
    public void StartInfo_OldLibStdCxxAndNoPrivateRuntime_SaysWhatIsMissingAndHowToFixIt()
    {
        if (!LinuxTorchRuntime.NeedsPrivateRuntime())
        {
            // This system's libstdc++ is new enough: there is nothing to be missing, and the worker starts directly.
            Assert.EndsWith("dotnet", new TorchWorkerLauncher(s_workerDll, "/nonexistent").StartInfo(1).FileName);
            return;
        }
        var e = Assert.Throws<GenevaException>(() => new TorchWorkerLauncher(s_workerDll, "/nonexistent/runtime").StartInfo(1));
        // The cmdlet layer maps this code to its fix (Install-GenevaTorchRuntime).
        Assert.Equal(GenevaErrorCode.TorchRuntimeMissing, e.Code);
        Assert.Contains(LinuxTorchRuntime.RequiredSymbol, e.Message);
        Assert.Contains(LinuxTorchRuntime.HighestGlibcxx()!, e.Message);
        Assert.Contains("/nonexistent/runtime", e.Message);
    }
}
