using Geneva.Core.Planning;

namespace Geneva.Core.Tests;

public class BackfillSettingsTests
{
    private static readonly Udfs.UdfSpec s_udf = new()
    {
        Name = "u", Kind = "expression", Source = "1", InputColumns = ["a"], OutputType = "int64",
        CheckpointSize = 500, MinCheckpointSize = 50,
    };

    [Fact]
    public void Resolve_NothingGiven_UsesUdfDefaultsThenGenevaDefaults()
    {
        var warnings = new List<string>();
        var s = BackfillSettings.Resolve(new BackfillRequest { Column = "c" }, s_udf, warnings);
        Assert.Equal((500, 50, 500, 64), (s.CheckpointSize, s.MinCheckpointSize, s.MaxCheckpointSize, s.CommitGranularity));
        Assert.Empty(warnings);
        var plain = BackfillSettings.Resolve(new BackfillRequest { Column = "c" }, s_udf with { CheckpointSize = null, MinCheckpointSize = null }, warnings);
        Assert.Equal((BackfillSettings.DefaultCheckpointSize, 1), (plain.CheckpointSize, plain.MinCheckpointSize));
    }

    [Fact]
    public void Resolve_BackfillLevel_BeatsUdfLevel()
    {
        var s = BackfillSettings.Resolve(new BackfillRequest { Column = "c", CheckpointSize = 2000, MinCheckpointSize = 100 }, s_udf, []);
        Assert.Equal((2000, 100, 2000), (s.CheckpointSize, s.MinCheckpointSize, s.MaxCheckpointSize));
    }

    [Fact]
    public void Resolve_MaxAboveCheckpointSize_IsLoweredWithWarning()
    {
        var warnings = new List<string>();
        var s = BackfillSettings.Resolve(new BackfillRequest { Column = "c", MaxCheckpointSize = 9000 }, s_udf, warnings);
        Assert.Equal(500, s.MaxCheckpointSize);
        Assert.Single(warnings);
    }

    [Fact]
    public void Resolve_MinAboveMax_IsLoweredToMax()
    {
        var warnings = new List<string>();
        var s = BackfillSettings.Resolve(new BackfillRequest { Column = "c", MinCheckpointSize = 400, MaxCheckpointSize = 300 }, s_udf, warnings);
        Assert.Equal((300, 300), (s.MinCheckpointSize, s.MaxCheckpointSize));
        Assert.Contains(warnings, w => w.Contains("MinCheckpointSize"));
    }

    [Fact]
    public void Resolve_ZeroSize_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GenevaException>(() => BackfillSettings.Resolve(new BackfillRequest { Column = "c", CheckpointSize = 0 }, s_udf, []));
        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Resolve_ConcurrencyAboveCoresOffThisMachine_NoWarning()
    {
        var asked = new BackfillRequest { Column = "c", Concurrency = Environment.ProcessorCount + 64 };
        var local = new List<string>();
        BackfillSettings.Resolve(asked, s_udf, local);
        var cluster = new List<string>();
        var s = BackfillSettings.Resolve(asked, s_udf, cluster, concurrencyOnThisMachine: false);
        Assert.Contains(local, w => w.Contains("Concurrency"));
        Assert.Empty(cluster);
        Assert.Equal(Environment.ProcessorCount + 64, s.Concurrency);
    }
}
