using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>
/// What every <see cref="ITaskExecutor"/> does, whatever runs the UDF: one derived class per
/// executor runs these tests against it (as dotnet/runtime's ChannelTestBase does for channels).
/// </summary>
public abstract class TaskExecutorContractTests
{
    /// <summary>A fresh executor for one backfill.</summary>
    protected abstract ITaskExecutor CreateExecutor();

    /// <summary>Notices the executor reported, for tests of what it logs.</summary>
    protected List<string> Notices { get; } = [];

    protected BackfillResult Backfill(GenevaTable table, BackfillRequest request) =>
        new BackfillCoordinator(new BackfillRunOptions { Executor = CreateExecutor(), Log = Notices.Add }).Start(table, request);

    private static GenevaTable WithColumn(TestFolder folder, string udf, string type, int rows = 1000, Func<long, string?>? text = null) =>
        TestData.Create(folder.Table(), rows, rowsPerFragment: 250, batchRows: 100, text: text).AddColumn("c", type, TestData.Udf(udf));

    /// <summary>The exception type a UDF threw, as the coordinator's exception carries it.</summary>
    protected static string? TypeNameOf(Exception? e) => e is WorkerException remote ? remote.TypeName : e?.GetType().FullName;

    [Fact]
    public void Run_NoTasks_ReportsNothing()
    {
        Assert.Empty(CreateExecutor().Run([], new CheckpointSizing(1, 10, 10), CancellationToken.None));
    }

    [Fact]
    public void Start_EveryRow_ComputedOnceInRowOrder()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength", "int32");
        var result = Backfill(table, new BackfillRequest { Column = "c", CheckpointSize = 100, MinCheckpointSize = 30 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(1000, result.RowsCheckpointed);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length),
            TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    [Fact]
    public void Run_TasksOfFragmentsInterleavedAndRepeated_EachCheckpointHoldsItsOwnRows()
    {
        // A runner keeps its fragment reader for the next task of the same fragment: tasks that switch
        // fragments, come back, or run twice must still each read their own rows.
        using var folder = new TestFolder();
        var table = WithColumn(folder, "StringLength", "int32");
        var udf = table.Manifest.FindBinding("c")!;
        var fragments = table.Manifest.Fragments;
        TaskSpec Task(int f, int offset, int count) =>
            new("job", table.Path, table.Version, "c", udf, null, fragments[f].Id, FragmentMode.All, $"key{f}", offset, count);
        var tasks = new[] { Task(0, 0, 100), Task(1, 0, 100), Task(0, 100, 150), Task(0, 100, 150), Task(1, 100, 150), Task(0, 0, 100), Task(3, 50, 200) };

        var receipts = CreateExecutor().Run(tasks, new CheckpointSizing(1000, 1000, 10), CancellationToken.None)
            .OfType<CheckpointWritten>().Select(c => c.Receipt).ToList();

        Assert.Equal(tasks.Length, receipts.Count);
        foreach (var receipt in receipts)
        {
            var first = fragments.TakeWhile(f => f.Id != receipt.FragmentId).Sum(f => f.RowCount) + receipt.RowStart;
            var expected = Enumerable.Range(first, receipt.RowCount)
                .Select(i => (object?)System.Globalization.StringInfo.ParseCombiningCharacters(TestData.TextFor(i)).Length);
            Assert.Equal(expected, ReadCheckpoint(Path.Combine(table.Path, receipt.File)));
        }
    }

    private static List<object?> ReadCheckpoint(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new Apache.Arrow.Ipc.ArrowFileReader(stream);
        var values = new List<object?>();
        for (var i = 0; i < reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult(); i++)
        {
            using var batch = reader.ReadRecordBatchAsync(i).AsTask().GetAwaiter().GetResult();
            var column = (Apache.Arrow.Int32Array)batch.Column(0);
            for (var r = 0; r < column.Length; r++)
            {
                values.Add(column.GetValue(r));
            }
        }
        return values;
    }

    [Fact]
    public void Start_UdfThrows_FailsWithTheUdfExceptionsTypeMessageAndStack()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "FailOnBoom", "int64", rows: 300, text: i => i == 123 ? "boom" : "ok");

        var e = Assert.Throws<UdfFailedException>(() => Backfill(table, new BackfillRequest { Column = "c" }));

        Assert.Contains("boom row", e.Message);
        Assert.Equal("System.InvalidOperationException", TypeNameOf(e.InnerException));
        Assert.Equal("boom row", e.InnerException!.Message);
        Assert.Contains("Geneva.TestUdfs.FailOnBoom.Apply", e.InnerException.StackTrace);
        using var store = CheckpointStore.Open(table.Path);
        var error = Assert.Single(store.ListErrors(null));
        Assert.Equal(123, error.RowOffset);
        Assert.Equal("System.InvalidOperationException", error.ErrorType);
    }

    [Fact]
    public void Start_UdfThrowsWithAnInnerException_CarriesTheInnerException()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "FailWithInner", "int64", rows: 50);

        var e = Assert.Throws<UdfFailedException>(() => Backfill(table, new BackfillRequest { Column = "c" }));

        Assert.Equal("System.ApplicationException", TypeNameOf(e.InnerException));
        Assert.Equal("System.IO.FileNotFoundException", TypeNameOf(e.InnerException!.InnerException));
        Assert.Equal("no such file", e.InnerException.InnerException!.Message);
    }

    [Fact]
    public void Start_SkipPolicyOnABatchUdf_NullsOnlyTheFailingRows()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "BatchFailOnBoom", "int32", rows: 500, text: i => i is 7 or 260 ? "boom" : "ok");
        var result = Backfill(table, new BackfillRequest { Column = "c" });

        Assert.Equal(JobStatus.Done, result.Status);
        var values = TestData.Column(GenevaTable.Open(table.Path), "c");
        Assert.Equal([7, 260], Enumerable.Range(0, 500).Where(i => values[i] is null));
        Assert.All(values.Where(v => v is not null), v => Assert.Equal(2, v));
    }

    [Fact]
    public void Start_UdfWritesToTheConsole_JobFinishesWithCorrectValues()
    {
        using var folder = new TestFolder();
        var table = WithColumn(folder, "ConsoleChatter", "int64", rows: 600);
        var result = Backfill(table, new BackfillRequest { Column = "c", CheckpointSize = 50, MinCheckpointSize = 50 });

        Assert.Equal(JobStatus.Done, result.Status);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (object?)(i * 2L)), TestData.Column(GenevaTable.Open(table.Path), "c"));
    }

    [Fact]
    public void Start_UdfAssemblyChangedAfterBinding_FailsWithUdfChanged()
    {
        using var folder = new TestFolder();
        var dll = Path.Combine(folder.Path, "udfs", "Geneva.TestUdfs.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        TestData.WriteUdfVariant(dll, 'A');
        var table = TestData.Create(folder.Table(), 100).AddColumn("c", "utf8", DotNetUdfLoader.Describe(dll, "VariantTag"));
        TestData.WriteUdfVariant(dll, 'B');

        var e = Assert.ThrowsAny<GenevaException>(() => Backfill(table, new BackfillRequest { Column = "c" }));

        Assert.Equal(GenevaErrorCode.UdfChanged, e.Code);
        Assert.Contains("changed after", e.Message);
        Assert.All(TestData.Column(GenevaTable.Open(table.Path), "c"), Assert.Null);
    }
}
