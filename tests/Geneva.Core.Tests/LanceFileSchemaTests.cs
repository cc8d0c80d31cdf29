using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

public class LanceFileSchemaTests
{
    public static TheoryData<string, string> Types() => new()
    {
        { "bool", "bool" }, { "int8", "int8" }, { "uint64", "uint64" }, { "float32", "float" }, { "float64", "double" },
        { "utf8", "string" }, { "binary", "binary" }, { "date32", "date32:day" }, { "timestamp[us]", "timestamp:us:UTC" },
        { "fixed_size_list<float32>[384]", "fixed_size_list:float:384" }, { "list<int32>", "list" },
    };

    [Theory]
    [MemberData(nameof(Types))]
    public void FromArrowToArrow_EveryType_RoundTrips(string geneva, string logical)
    {
        var type = Geneva.Core.Arrow.ArrowTypeNames.Parse(geneva);
        var field = new Field("col", type, true, new Dictionary<string, string> { ["geneva.udf"] = "{\"x\":1}" });
        var id = 5;
        var lance = LanceSchema.FromArrow(field, ref id);
        Assert.Equal(logical, lance[0].LogicalType);
        Assert.Equal(5, lance[0].Id);
        Assert.Equal(-1, lance[0].ParentId);
        Assert.Equal(type is ListType ? 7 : 6, id);
        if (type is ListType)
        {
            Assert.Equal("item", lance[1].Name);
            Assert.Equal(6, lance[1].Id);
            Assert.Equal(5, lance[1].ParentId);
            Assert.Equal("int32", lance[1].LogicalType);
        }
        var back = LanceSchema.ToArrow(lance, lance[0]);
        Assert.Equal("col", back.Name);
        Assert.True(back.IsNullable);
        Assert.Equal(geneva, Geneva.Core.Arrow.ArrowTypeNames.Format(back.DataType));
        Assert.Equal("{\"x\":1}", back.Metadata["geneva.udf"]);
    }

    [Fact]
    public void ToArrow_UnknownLogicalType_TypeMismatch()
    {
        var field = new Geneva.Core.Storage.Lance.Proto.Field { Name = "x", Id = 0, ParentId = -1, LogicalType = "decimal:128:10:2" };
        Assert.Equal(GenevaErrorCode.TypeMismatch, Assert.Throws<GenevaException>(() => LanceSchema.ToArrow([field], field)).Code);
    }
}
