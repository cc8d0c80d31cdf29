using Apache.Arrow;
using Apache.Arrow.Types;
using CsCheck;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Tests;

public sealed class LanceFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lancefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void WriteRead_Int32NoNulls_SameValues()
    {
        var path = Path.Combine(_dir, "a.lance");
        var values = Enumerable.Range(0, 10_000).ToArray();
        var array = new Int32Array.Builder().AppendRange(values).Build();
        LanceFileTestData.Write(path, [array], 3000);
        using var reader = LanceFileReader.Open(path);
        Assert.Equal(10_000, reader.RowCount);
        Assert.Equal(LanceFileVersion.V2_1, reader.Version);
        var read = (Int32Array)reader.Read(0, 0, 10_000);
        Assert.Equal(values, read.Values.ToArray());
        var part = (Int32Array)reader.Read(0, 4095, 4097);
        Assert.Equal(values.AsSpan(4095, 4097).ToArray(), part.Values.ToArray());
    }

    [Fact]
    public void WriteRead_EveryTypeAndShape_SameValues()
    {
        var cases = Gen.Select(
            Gen.Int[0, LanceFileTestData.Types.Length - 1],
            Gen.OneOf(Gen.Int[0, 5000], Gen.OneOf(1, 2, 4095, 4096, 4097, 8191, 8193)),
            Gen.OneOf(0.0, 0.01, 0.5, 0.99, 1.0),
            Gen.OneOf(1024L, 4096L, 65536L, LanceFileWriter.DefaultPageBytes),
            Gen.Int[1, 6000],
            Gen.Int,
            (t, r, n, p, b, s) => (t, r, n, p, b, s));
        cases.Sample((typeIndex, rows, nullRate, pageBytes, batchRows, seed) =>
        {
            var type = LanceFileTestData.Types[typeIndex];
            var random = new Random(seed);
            var array = LanceFileTestData.Make(type, rows, nullRate, random);
            var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.lance");
            LanceFileTestData.Write(path, [array], batchRows, pageBytes);
            using var reader = LanceFileReader.Open(path);
            Assert.Equal(rows, reader.RowCount);
            LanceFileTestData.AssertSame(array, 0, reader.Read(0, 0, rows), $"{type.Name} whole");
            for (var k = 0; k < 4; k++)
            {
                var start = random.Next(0, rows + 1);
                var length = random.Next(0, rows - start + 1);
                LanceFileTestData.AssertSame(array, start, reader.Read(0, start, length), $"{type.Name} [{start}, +{length})");
            }
            File.Delete(path);
        }, iter: 300);
    }
}
