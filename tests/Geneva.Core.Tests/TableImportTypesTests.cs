using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

/// <summary>CSV type inference (numbers with missing-value markers, ISO dates and date-times) and given column types.</summary>
public class TableImportTypesTests
{
    private static string WriteCsv(TestFolder folder, string text)
    {
        var path = Path.Combine(folder.Path, "in.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static (Dictionary<string, string> Types, Dictionary<string, object?[]> Values) Import(string path,
        IReadOnlyDictionary<string, string>? types = null)
    {
        var (schema, batches) = TableImport.Read(path, types);
        var values = schema.FieldsList.ToDictionary(f => f.Name, _ => new List<object?>());
        foreach (var batch in batches)
        {
            for (var c = 0; c < schema.FieldsList.Count; c++)
            {
                var column = batch.Column(c);
                for (var r = 0; r < batch.Length; r++)
                {
                    values[schema.FieldsList[c].Name].Add(ArrowValues.GetValue(column, r));
                }
            }
            batch.Dispose();
        }
        return (schema.FieldsList.ToDictionary(f => f.Name, f => ArrowTypeNames.Format(f.DataType)),
            values.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    [Fact]
    public void Read_NumbersWithMissingValueMarkers_StayNumericWithNulls()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "n,x,t\n1,1.5,a\nn/a,NA,NA\n,NaN,\n3,null,c\n");

        var (types, values) = Import(path);

        Assert.Equal("int64", types["n"]);
        Assert.Equal("float64", types["x"]);
        Assert.Equal("utf8", types["t"]);
        Assert.Equal([1L, null, null, 3L], values["n"]);
        Assert.Equal([1.5, null, null, null], values["x"]);
        // A text column keeps its fields as written.
        Assert.Equal(["a", "NA", "", "c"], values["t"]);
    }

    [Fact]
    public void Read_IsoDatesAndDateTimes_InfersDate32AndUtcTimestamps()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder,
            "d,ts,tz,mixed,notdate\n" +
            "2024-05-31,2024-05-31T12:30:00,2024-05-31T12:30:00+02:00,2024-05-31,2024/05/31\n" +
            "1969-12-31,2024-05-31 23:59:59.123456,2024-05-31T12:30:00Z,2024-06-01T06:00:00Z,x\n" +
            ",,N/A,,\n");

        var (types, values) = Import(path);

        Assert.Equal("date32", types["d"]);
        Assert.Equal("timestamp[us]", types["ts"]);
        Assert.Equal("timestamp[us]", types["tz"]);
        Assert.Equal("timestamp[us]", types["mixed"]);
        Assert.Equal("utf8", types["notdate"]);
        Assert.Equal(new DateTime(2024, 5, 31), ToDate(values["d"][0]));
        Assert.Equal(new DateTime(1969, 12, 31), ToDate(values["d"][1]));
        Assert.Null(values["d"][2]);
        // Without an offset a date-time is taken as UTC; with one it is converted to UTC.
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 12, 30, 0, TimeSpan.Zero), values["ts"][0]);
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_560), values["ts"][1]);
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 10, 30, 0, TimeSpan.Zero), values["tz"][0]);
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 12, 30, 0, TimeSpan.Zero), values["tz"][1]);
        Assert.Null(values["tz"][2]);
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 0, 0, 0, TimeSpan.Zero), values["mixed"][0]);
    }

    [Fact]
    public void Read_GivenTypes_OverrideNamedColumnsAndOthersKeepInference()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "id,code,score,when,flag\n1,007,2.5,2024-01-02,1\n2,042,,2024-01-03T04:05:06Z,false\n");

        var (types, values) = Import(path, new Dictionary<string, string>
        {
            ["ID"] = "int32", ["code"] = "utf8", ["score"] = "float32", ["when"] = "timestamp[us]", ["flag"] = "bool",
        });

        Assert.Equal(["int32", "utf8", "float32", "timestamp[us]", "bool"], types.Values);
        Assert.Equal([1, 2], values["id"]);
        Assert.Equal(["007", "042"], values["code"]);
        Assert.Equal([2.5f, null], values["score"]);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), values["when"][0]);
        Assert.Equal([true, false], values["flag"]);
    }

    [Fact]
    public void Read_GivenTypeSomeColumnsOnly_OthersInferred()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "a,b\n1,x\n2,y\n");

        var (types, _) = Import(path, new Dictionary<string, string> { ["b"] = "utf8" });

        Assert.Equal("int64", types["a"]);
    }

    [Theory]
    [InlineData("n\n1\n2\nabc\n", "int64", "line 4 (row 3), column 'n': 'abc' is not a valid int64 value")]
    [InlineData("n\n1\n300\n", "uint8", "line 3 (row 2), column 'n': '300' is not a valid uint8 value")]
    [InlineData("m,n\n\"a\nb\",2024-01-01\nx,2024-13-01\n", "date32", "line 4 (row 2), column 'n': '2024-13-01' is not an ISO 8601 date")]
    [InlineData("n\nyes\n", "bool", "line 2 (row 1), column 'n': 'yes' is not true, false, 1 or 0")]
    public void Read_GivenTypeValueThatDoesNotConvert_ThrowsTypeMismatchNamingLineRowColumnAndValue(string csv, string type, string expected)
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, csv);

        var e = Assert.Throws<GenevaException>(() => Import(path, new Dictionary<string, string> { ["n"] = type }));

        Assert.Equal(GenevaErrorCode.TypeMismatch, e.Code);
        Assert.Equal("n", e.Target);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("n/a", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GivenTypeForAColumnTheFileLacks_ThrowsColumnNotFoundListingColumns()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "a,b\n1,2\n");

        var e = Assert.Throws<GenevaException>(() => Import(path, new Dictionary<string, string> { ["c"] = "int64" }));

        Assert.Equal(GenevaErrorCode.ColumnNotFound, e.Code);
        Assert.Contains("Its columns: a, b", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GivenListType_ThrowsInvalidArgument()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "a\n1\n");

        var e = Assert.Throws<GenevaException>(() => Import(path, new Dictionary<string, string> { ["a"] = "list<int32>" }));

        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void Create_FromCsvWithDatesAndTimestamps_ReadsThemBack()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "id,d,ts\n1,2024-05-31,2024-05-31T12:30:00.5+01:00\n2,,\n");
        var (schema, batches) = TableImport.Read(path, null);

        var table = GenevaTable.Create(folder.Table(), schema, batches);

        Assert.Equal(["int64", "date32", "timestamp[us]"], table.Manifest.Fields.Select(f => f.Type));
        Assert.Equal(new DateTime(2024, 5, 31), ToDate(TestData.Column(table, "d")[0]));
        Assert.Null(TestData.Column(table, "d")[1]);
        Assert.Equal(new DateTimeOffset(2024, 5, 31, 11, 30, 0, 500, TimeSpan.Zero), TestData.Column(table, "ts")[0]);
    }

    private static DateTime ToDate(object? value) => value switch
    {
        DateTime d => d.Date,
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        DateTimeOffset o => o.UtcDateTime.Date,
        _ => throw new InvalidOperationException($"not a date: {value}"),
    };
}
