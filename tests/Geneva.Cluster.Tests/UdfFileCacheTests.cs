using Geneva.Cluster.Dispatch;
using Geneva.Cluster.Grains;
using Geneva.Cluster.Node;
using Geneva.Core;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Tests;
using Geneva.Core.Udfs;

namespace Geneva.Cluster.Tests;

/// <summary>A node's copy of a UDF file, read from a real dispatcher's ReadUdf (the grain call is a pass-through).</summary>
public sealed class UdfFileCacheTests
{
    private sealed class NoSlots : ISlotChannel
    {
        public Task Start(SlotRef slot, SlotAssignment assignment) => Task.CompletedTask;

        public Task Abandon(SlotRef slot, long dispatchId) => Task.CompletedTask;
    }

    private static (Dispatcher Dispatcher, UdfSpec Udf) Serving(string file)
    {
        var udf = new UdfSpec
        {
            Name = "big", Kind = UdfKind.DotNet, Source = file, TypeName = "X", SourceHash = UdfSourceHash.OfFiles(file),
            InputColumns = ["id"], OutputType = "int64",
        };
        var dispatcher = new Dispatcher("s/dispatcher/x", new NoSlots(), 1, 1, TimeSpan.FromSeconds(10), _ => { });
        dispatcher.Submit(new WorkerMessage
        {
            Type = WorkerMessage.Task, TaskNumber = 1,
            Spec = new TaskSpec("j", "/t", 1, "c", udf, null, 0, FragmentMode.All, "f", 0, 10),
        });
        return (dispatcher, udf);
    }

    [Fact]
    public async Task Resolve_FileAbsentHere_FetchesInChunksOfAtMostFourMegabytes()
    {
        using var folder = new TestFolder();
        var file = folder.Table("weights.bin");
        var bytes = new byte[9 << 20];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);
        var (dispatcher, udf) = Serving(file);
        var chunks = new List<int>();
        var cache = new UdfFileCache(folder.Table("cache"), alwaysFetch: true);

        var resolved = await cache.Resolve(udf, (path, offset, count) =>
        {
            var chunk = dispatcher.ReadUdf(path, offset, count);
            chunks.Add(chunk.Data.Length);
            return Task.FromResult(chunk);
        });

        Assert.NotEqual(file, resolved.Source);
        Assert.Equal(bytes, File.ReadAllBytes(resolved.Source));
        Assert.All(chunks, c => Assert.InRange(c, 1, UdfChunk.MaxBytes));
        Assert.Equal(3, chunks.Count);
        UdfSourceHash.Verify(resolved);
    }

    [Fact]
    public async Task Resolve_FileHereWithTheBoundBytes_RunsItInPlace()
    {
        using var folder = new TestFolder();
        var file = folder.Table("udf.dll");
        File.WriteAllBytes(file, [1, 2, 3]);
        var (_, udf) = Serving(file);

        var resolved = await new UdfFileCache(folder.Table("cache"), alwaysFetch: false)
            .Resolve(udf, (_, _, _) => throw new InvalidOperationException("no fetch expected"));

        Assert.Equal(file, resolved.Source);
    }

    [Fact]
    public void ReadUdf_FileNoTaskNamed_Refused()
    {
        using var folder = new TestFolder();
        var file = folder.Table("udf.dll");
        File.WriteAllBytes(file, [1, 2, 3]);
        var (dispatcher, _) = Serving(file);

        var e = Assert.Throws<GenevaException>(() => dispatcher.ReadUdf("/etc/passwd", 0, 100));
        Assert.Equal(GenevaErrorCode.UdfLoadFailed, e.Code);
    }

    [Fact]
    public void ReadUdf_AssemblyBesideAUdfAssembly_ServedOrAbsent_AnyOtherFileRefused()
    {
        using var folder = new TestFolder();
        var udfFolder = Directory.CreateDirectory(folder.Table("bin")).FullName;
        var udfFile = Path.Combine(udfFolder, "udf.dll");
        File.WriteAllBytes(udfFile, [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(udfFolder, "Dependency.dll"), [4, 5]);
        File.WriteAllBytes(Path.Combine(udfFolder, "notes.txt"), [6]);
        File.WriteAllBytes(folder.Table("Elsewhere.dll"), [7]);
        var (dispatcher, _) = Serving(udfFile);

        Assert.Equal(new byte[] { 4, 5 }, dispatcher.ReadUdf(Path.Combine(udfFolder, "Dependency.dll"), 0, 100).Data);
        Assert.True(dispatcher.ReadUdf(Path.Combine(udfFolder, "Missing.dll"), 0, 100).IsAbsent);
        Assert.Throws<GenevaException>(() => dispatcher.ReadUdf(Path.Combine(udfFolder, "notes.txt"), 0, 100));
        Assert.Throws<GenevaException>(() => dispatcher.ReadUdf(folder.Table("Elsewhere.dll"), 0, 100));
        Assert.Throws<GenevaException>(() => dispatcher.ReadUdf(Path.Combine(udfFolder, "..", "Elsewhere.dll"), 0, 100));
    }

    [Theory]
    [InlineData("/bin/udf.dll", "Dep", "/bin/Dep.dll")]
    [InlineData(@"C:\bin\udf.dll", "Dep", @"C:\bin\Dep.dll")]
    [InlineData("/bin/udf.dll", "../Dep", null)]
    [InlineData("/bin/udf.dll", "..", null)]
    public void Beside_NamesTheAssemblyInTheUdfsFolder_WhateverItsSeparator(string udf, string reference, string? expected) =>
        Assert.Equal(expected, UdfDependencies.Beside(udf, reference));
}
