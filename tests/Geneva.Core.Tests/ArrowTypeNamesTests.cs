using Geneva.Core.Arrow;

namespace Geneva.Core.Tests;

public class ArrowTypeNamesTests
{
    [Theory]
    [InlineData("bool")]
    [InlineData("int8")]
    [InlineData("int16")]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("uint8")]
    [InlineData("uint16")]
    [InlineData("uint32")]
    [InlineData("uint64")]
    [InlineData("float32")]
    [InlineData("float64")]
    [InlineData("utf8")]
    [InlineData("binary")]
    [InlineData("date32")]
    [InlineData("timestamp[us]")]
    [InlineData("fixed_size_list<float32>[384]")]
    [InlineData("list<int64>")]
    [InlineData("list<fixed_size_list<float32>[2]>")]
    public void Parse_CanonicalName_FormatsBackIdentically(string name) =>
        Assert.Equal(name, ArrowTypeNames.Format(ArrowTypeNames.Parse(name)));

    [Theory]
    [InlineData("string", "utf8")]
    [InlineData("Int", "int32")]
    [InlineData("double", "float64")]
    [InlineData("fixed_size_list< float32 >[ 3 ]", "fixed_size_list<float32>[3]")]
    public void Parse_Alias_GivesCanonicalType(string alias, string canonical) =>
        Assert.Equal(canonical, ArrowTypeNames.Format(ArrowTypeNames.Parse(alias)));

    [Theory]
    [InlineData("int33")]
    [InlineData("fixed_size_list<float32>[0]")]
    [InlineData("list<nope>")]
    [InlineData("")]
    public void Parse_UnknownName_ThrowsInvalidArgument(string name)
    {
        var e = Assert.Throws<GenevaException>(() => ArrowTypeNames.Parse(name));
        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
        Assert.Contains("fixed_size_list<float32>[384]", e.Message);
    }
}
