using Geneva.Cluster.Node;

namespace Geneva.Cluster.Tests;

public sealed class SlotGpuTests
{
    [Theory]
    [InlineData(4, 2, new[] { 0, 0, 1, 1 })]
    [InlineData(3, 2, new[] { 0, 0, 1 })]
    [InlineData(2, 2, new[] { 0, 1 })]
    [InlineData(2, 4, new[] { 0, 2 })]
    [InlineData(1, 1, new[] { 0 })]
    public void For_SlotIOfMOnGGpus_GpuFloorIGOverM(int slots, int gpus, int[] expected) =>
        Assert.Equal(expected, Enumerable.Range(0, slots).Select(i => SlotGpu.For(i, slots, gpus)!.Value));

    [Fact]
    public void For_NoGpus_Null() => Assert.Null(SlotGpu.For(0, 4, 0));
}
