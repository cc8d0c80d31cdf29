namespace Geneva.Cluster.Tests;

public sealed class SiloRoleTests
{
    [Fact]
    public void Parse_EncodedNodeRole_RoundTripsWithNameHoldingBars()
    {
        var role = SiloRole.Node("gpu|box 1", 4, 2) with { Machine = "host-a" };

        Assert.Equal(role, SiloRole.Parse(role.Encode()));
    }

    [Theory]
    [InlineData("Silo_1")]
    [InlineData("node|x|0|1|m|n")]
    [InlineData(null)]
    public void Parse_NotOurs_Null(string? name) => Assert.Null(SiloRole.Parse(name));
}
