using Geneva.Core.Execution.Workers;
using Geneva.Torch.Launch;

namespace Geneva.Core.Tests;

/// <summary>How model workers share GPUs (NumGpus), checked through the environment each worker gets.</summary>
[Collection(WorkerProcessCollection.Name)]
public class GpuAssignmentTests
{
    private static readonly string[] s_fourGpus = ["0", "1", "2", "3"];

    [Fact]
    public void For_HalfAGpuPerWorker_PutsTwoWorkersOnEachGpuAndUsesThemAll()
    {
        var gpus = GpuAssignment.Create(0.5, "auto", ["0", "1"])!;
        Assert.Equal(["0", "1", "0", "1"], Enumerable.Range(0, 4).Select(gpus.For));
    }

    [Fact]
    public void For_TwoGpusPerWorker_GivesEachWorkerItsOwnPair()
    {
        var gpus = GpuAssignment.Create(2, null, s_fourGpus)!;
        Assert.Equal(["0,1", "2,3", "0,1"], Enumerable.Range(0, 3).Select(gpus.For));
    }

    [Fact]
    public void For_GpuUuids_ArePassedThrough()
    {
        var gpus = GpuAssignment.Create(1, "cuda", ["GPU-aaa", "GPU-bbb"])!;
        Assert.Equal(["GPU-aaa", "GPU-bbb"], Enumerable.Range(0, 2).Select(gpus.For));
    }

    [Theory]
    [InlineData(0, "auto", 2)]   // a CPU UDF
    [InlineData(1, "cuda:1", 2)] // pinned by the user
    [InlineData(1, "auto", 0)]   // no GPU visible
    public void Create_NothingToAssign_IsNull(double numGpus, string device, int visible) =>
        Assert.Null(GpuAssignment.Create(numGpus, device, s_fourGpus.Take(visible).ToList()));

    [Fact]
    public void StartInfo_EachWorkerStarted_GetsTheNextShareInCudaVisibleDevices()
    {
        var dll = typeof(GpuAssignmentTests).Assembly.Location; // any existing file: nothing is started
        var launcher = new TorchWorkerLauncher(dll, TestData.TorchRuntime, GpuAssignment.Create(1, "auto", ["0", "1"]));
        var seen = Enumerable.Range(0, 3).Select(_ => launcher.StartInfo(1).Environment["CUDA_VISIBLE_DEVICES"]).ToList();
        Assert.Equal(["0", "1", "0"], seen);
    }
}
