using Apache.Arrow;
using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class RowAddressTests
{
    [Theory]
    [InlineData(0, 0, 0UL)]
    [InlineData(0, 5, 5UL)]
    [InlineData(1, 1, 4294967297UL)]
    [InlineData(7, 1048575, (7UL << 32) | 1048575UL)]
    public void Of_FragmentAndOffset_PacksLikeLance(int fragment, int offset, ulong expected)
    {
        var address = RowAddress.Of(fragment, offset);

        Assert.Equal(expected, address);
        Assert.Equal(fragment, RowAddress.FragmentId(address));
        Assert.Equal(offset, RowAddress.RowOffset(address));
    }

    [Fact]
    public void Scan_WithRowAddress_AddressesEveryRowOfEveryFragment()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 25, rowsPerFragment: 10, batchRows: 4);

        var addresses = new List<ulong>();
        foreach (var batch in table.Scan(["id"], includeRowAddress: true))
        {
            Assert.Equal(RowAddress.ColumnName, batch.Schema.GetFieldByIndex(1).Name);
            var column = (UInt64Array)batch.Column(1);
            addresses.AddRange(Enumerable.Range(0, batch.Length).Select(i => column.GetValue(i)!.Value));
        }

        var expected = Enumerable.Range(0, 25).Select(r => RowAddress.Of(r / 10, r % 10));
        Assert.Equal(expected, addresses);
    }

    [Fact]
    public void Scan_FilteredAndLimitedWithRowAddress_KeepsEachRowsOwnAddress()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 25, rowsPerFragment: 10, batchRows: 4);
        var where = Planning.BackfillPlanner.ParseFilter(table, "id % 3 = 0 and id > 9");

        var rows = new List<(long Id, ulong Address)>();
        foreach (var batch in table.Scan(["id"], where, first: 4, includeRowAddress: true))
        {
            var ids = (Int64Array)batch.Column(0);
            var column = (UInt64Array)batch.Column(1);
            rows.AddRange(Enumerable.Range(0, batch.Length).Select(i => (ids.GetValue(i)!.Value, column.GetValue(i)!.Value)));
        }

        Assert.Equal([12L, 15L, 18L, 21L], rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Equal(RowAddress.Of((int)(r.Id / 10), (int)(r.Id % 10)), r.Address));
    }

    [Fact]
    public void Scan_WithoutRowAddress_HasOnlyTheColumnsAskedFor()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 5);

        Assert.All(table.Scan(["id"]), b => Assert.Equal(1, b.ColumnCount));
    }

    [Fact]
    public void Scan_WithRowAddressOverAColumnOfThatName_ThrowsInvalidArgument()
    {
        using var folder = new TestFolder();
        var table = TestData.Create(folder.Table(), rows: 5).AddColumn(RowAddress.ColumnName, "uint64", null);

        var e = Assert.Throws<GenevaException>(() => table.Scan(includeRowAddress: true).ToList());

        Assert.Equal(GenevaErrorCode.InvalidArgument, e.Code);
        Assert.Equal(RowAddress.ColumnName, e.Target);
    }

    [Fact]
    public void Scan_FilterFailsOnARow_NamesItsFragmentRowNotItsBatchRow()
    {
        using var folder = new TestFolder();
        // Batches of 4 rows: id 17 is row 1 of its batch, row 7 of fragment 1.
        var table = TestData.Create(folder.Table(), rows: 25, rowsPerFragment: 10, batchRows: 4);
        var where = Planning.BackfillPlanner.ParseFilter(table, "10 / (id - 17) > 1");

        var e = Assert.Throws<GenevaException>(() => table.Scan(["id"], where).ToList());

        Assert.Equal(GenevaErrorCode.ExpressionInvalid, e.Code);
        Assert.StartsWith("The filter failed on fragment 1, row 7: Division by zero", e.Message);
        Assert.DoesNotContain("row 1", e.Message);
        Assert.Equal(1, e.Target);
    }
}
