using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

public class BackfillPlanSamplerTests
{
    private static readonly Func<UdfSpec, BackfillSettings, ITaskExecutor> s_inProcess = (_, _) => new InProcessTaskExecutor();

    private static GenevaTable Table(TestFolder folder) =>
        TestData.Create(folder.Table(), 2500, rowsPerFragment: 1000).AddColumn("len", "int32", TestData.Udf("StringLength"));

    private static List<string> Files(string path) =>
        Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(path, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToList();

    [Fact]
    public void Plan_WithoutSample_HasNoSample()
    {
        using var folder = new TestFolder();
        Assert.Null(BackfillCoordinator.Plan(Table(folder), new BackfillRequest { Column = "len" }).Sample);
    }

    [Fact]
    public void Measure_Sample_RatesSpreadEstimateAndSuggestedSize()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "len", MinCheckpointSize = 10, Concurrency = 1 });
        var before = Files(table.Path);

        var sampled = BackfillPlanSampler.Measure(table, plan, 200, seed: 5, s_inProcess);

        var s = sampled.Sample!;
        Assert.Equal(200, s.SampledRows);
        Assert.Equal(BackfillPlanSampler.MaxCalls, s.Calls);
        Assert.Equal(BackfillPlanSampler.MaxCalls - 1, s.TimedCalls); // the first call warms up
        Assert.True(s.RowsPerSecond > 0);
        Assert.True(s.RowsPerSecondMin <= s.RowsPerSecondP10 && s.RowsPerSecondP10 <= s.RowsPerSecond);
        Assert.True(s.RowsPerSecond <= s.RowsPerSecondP90 && s.RowsPerSecondP90 <= s.RowsPerSecondMax);
        Assert.Equal(1, s.Instances);
        Assert.Equal(s.FirstResultSeconds + 2500 / s.RowsPerSecond, s.EstimatedSeconds, 6);
        Assert.True(s.EstimatedSecondsLow <= s.EstimatedSeconds && s.EstimatedSeconds <= s.EstimatedSecondsHigh);
        Assert.InRange(s.SuggestedCheckpointSize, 10, plan.Settings.MaxCheckpointSize);
        Assert.Equal(Math.Clamp((int)(s.RowsPerSecond * 10), 10, plan.Settings.MaxCheckpointSize), s.SuggestedCheckpointSize);
        Assert.Equal(10, s.TargetSeconds);
        // The plan itself is unchanged, and nothing was written.
        Assert.Equal(plan.RowsToCompute, sampled.RowsToCompute);
        Assert.Equal(plan.TaskCount, sampled.TaskCount);
        Assert.Equal(before, Files(table.Path));
        Assert.Equal(table.Version, GenevaTable.Open(table.Path).Version);
    }

    [Fact]
    public void Measure_EstimateScalesWithInstances()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        // One task per fragment, 3 tasks: at most 3 instances are ever busy, whatever was asked.
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "len", Concurrency = 1, IntraApplierConcurrency = 8 });
        var s = BackfillPlanSampler.Measure(table, plan, 50, seed: 1, s_inProcess).Sample!;
        Assert.Equal(3, s.Instances);
        Assert.Equal(s.FirstResultSeconds + 2500 / (s.RowsPerSecond * 3), s.EstimatedSeconds, 6);
    }

    [Fact]
    public void Measure_DoneColumn_StillMeasuresAndEstimatesZero()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        new BackfillCoordinator().Start(table, new BackfillRequest { Column = "len" });
        table = GenevaTable.Open(table.Path);
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "len" });
        Assert.Equal(0, plan.RowsToCompute);

        var s = BackfillPlanSampler.Measure(table, plan, 30, seed: 2, s_inProcess).Sample!;

        Assert.Equal(30, s.SampledRows);
        Assert.True(s.RowsPerSecond > 0);
        Assert.Equal(0, s.EstimatedSeconds);
    }

    [Fact]
    public void Measure_FailingRows_CountedNotFatal()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), 100, rowsPerFragment: 100, text: i => i % 2 == 0 ? "boom" : "x")
            .AddColumn("twice", "int64", TestData.Udf("FailOnBoom"));
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "twice" });

        var s = BackfillPlanSampler.Measure(table, plan, 100, seed: 3, s_inProcess).Sample!;

        Assert.Equal(50, s.FailedRows);
        Assert.Contains(s.Notes, n => n.Contains("boom row", StringComparison.Ordinal));
    }

    [Fact]
    public void Measure_ZeroRows_ThrowsInvalidArgument()
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var plan = BackfillCoordinator.Plan(table, new BackfillRequest { Column = "len" });
        var e = Assert.Throws<GenevaException>(() => BackfillPlanSampler.Measure(table, plan, 0, null, s_inProcess));
        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
    }

    [Theory]
    [InlineData(new double[] { 5 }, 0.5, 5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5 }, 0.5, 3)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2.5)]
    [InlineData(new double[] { 0, 10 }, 0.1, 1)]
    [InlineData(new double[] { 0, 10 }, 0.9, 9)]
    [InlineData(new double[0], 0.5, 0)]
    public void Percentile_Interpolates(double[] sorted, double p, double expected) =>
        Assert.Equal(expected, BackfillPlanSampler.Percentile(sorted, p), 9);
}
