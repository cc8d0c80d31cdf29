using Geneva.Core.Arrow;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class TableImportTests
{
    private static string WriteCsv(TestFolder folder, string text)
    {
        var path = Path.Combine(folder.Path, "in.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("id,text\n1,a\n2,b,extra\n3,c\n", 3, "the row has 3 fields but the header has 2")]
    [InlineData("id,text\n1,a\n2,b\n3\n", 4, "the row has 1 field but the header has 2")]
    [InlineData("id,text\n1,\"two\nlines\"\n2,b,extra\n", 4, "the row has 3 fields but the header has 2")]
    public void Read_RaggedRow_ThrowsCsvRowInvalidNamingTheLine(string csv, int line, string what)
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, csv);

        var e = Assert.Throws<GenevaException>(() => TableImport.Read(path));

        Assert.Equal(GenevaErrorCode.CsvRowInvalid, e.Code);
        Assert.Equal(path, e.Target);
        Assert.Contains($"line {line}: {what}", e.Message);
    }

    [Fact]
    public void Read_QuotedSeparatorQuoteAndLineBreak_KeepsThemInTheValue()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "id,text\n1,\"a, b\"\n2,\"one\ntwo\"\n3,\"say \"\"hi\"\"\"\n");

        var (schema, batches) = TableImport.Read(path);
        var batch = Assert.Single(batches);

        Assert.Equal("utf8", ArrowTypeNames.Format(schema.GetFieldByName("text").DataType));
        Assert.Equal(new object?[] { "a, b", "one\ntwo", "say \"hi\"" },
            Enumerable.Range(0, batch.Length).Select(r => ArrowValues.GetValue(batch.Column(1), r)).ToArray());
    }

    [Fact]
    public void Read_HeaderOnly_GivesNoRows()
    {
        using var folder = new TestFolder();
        var path = WriteCsv(folder, "id,text\n");

        var (schema, batches) = TableImport.Read(path);

        Assert.Equal(2, schema.FieldsList.Count);
        Assert.Empty(batches);
    }

    [Theory]
    [InlineData("rows.json", "[{\"id\": 1}]")]
    [InlineData("rows.parquet", "PAR1")]
    [InlineData("rows", "id,text\n1,a\n")]
    public void Read_FileTypeNotImported_ThrowsInvalidArgumentNamingTheAcceptedTypes(string name, string content)
    {
        using var folder = new TestFolder();
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, content);

        var e = Assert.Throws<GenevaException>(() => TableImport.Read(path));

        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
        Assert.Equal(path, e.Target);
        Assert.Contains("is not a file type Geneva imports", e.Message);
        Assert.Contains(".csv", e.Message);
        Assert.Contains(".arrow", e.Message);
    }
}
