using Geneva.Core.Execution;

namespace Geneva.Core.Tests;

/// <summary>When a run's time left is given, and when it is withheld as not yet meaningful.</summary>
public class BackfillProgressTests
{
    [Fact]
    public void EstimateEta_FirstSmallCheckpointsBeforeWarmUp_IsWithheld()
    {
        // The case: checkpoints of 1, 9 and 33 rows in the first seconds, mostly worker start-up.
        Assert.Null(BackfillProgress.EstimateEta(100_000 - 43, 43, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void EstimateEta_NoRowCheckpointedYet_IsWithheld()
    {
        Assert.Null(BackfillProgress.EstimateEta(1000, 0, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void EstimateEta_AfterWarmUp_IsRowsLeftAtTheRunsRate()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), BackfillProgress.EstimateEta(1000, 250, BackfillProgress.EtaWarmUp));
        Assert.Equal(TimeSpan.FromSeconds(30), BackfillProgress.EstimateEta(3000, 1000, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void EstimateEta_NothingLeft_IsNull()
    {
        Assert.Null(BackfillProgress.EstimateEta(0, 1000, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Estimating_RowsLeftWithoutEta_IsTrueAndFalseOnceDoneOrEstimated()
    {
        BackfillProgress At(long done, TimeSpan? eta) => new("j", "c", 100, done, 1, 0, 1, eta, 16, null);
        Assert.True(At(10, null).Estimating);
        Assert.False(At(10, TimeSpan.FromSeconds(90)).Estimating);
        Assert.False(At(100, null).Estimating);
    }
}
