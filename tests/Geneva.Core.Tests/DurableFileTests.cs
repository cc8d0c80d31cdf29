using Geneva.Core.Storage;

namespace Geneva.Core.Tests;

public class DurableFileTests
{
    private static string[] Files(string folder) => Directory.GetFiles(folder).Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void PublishReplacing_ExistingFile_ReplacesItWholeAndLeavesNoTemporaryFile()
    {
        using var folder = new TestFolder();
        var target = Path.Combine(folder.Path, "sub", "x.arrow");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "old");
        using (var file = new DurableFile(target))
        {
            file.Stream.Write("new content"u8);
            Assert.Equal("old", File.ReadAllText(target)); // nothing visible under the name before publishing
            file.PublishReplacing();
        }
        Assert.Equal("new content", File.ReadAllText(target));
        Assert.Equal(["x.arrow"], Files(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void TryPublishExclusive_NameTaken_ReturnsFalseKeepsTheOtherAndRemovesTheTemporaryFile()
    {
        using var folder = new TestFolder();
        var target = Path.Combine(folder.Path, "1.json");
        File.WriteAllText(target, "theirs");
        using (var file = new DurableFile(target))
        {
            file.Stream.Write("mine"u8);
            Assert.False(file.TryPublishExclusive());
        }
        Assert.Equal("theirs", File.ReadAllText(target));
        Assert.Equal(["1.json"], Files(folder.Path));
    }

    [Fact]
    public void Dispose_NotPublished_RemovesTheTemporaryFile()
    {
        using var folder = new TestFolder();
        var target = Path.Combine(folder.Path, "2.json");
        using (var file = new DurableFile(target))
        {
            file.Stream.Write("half"u8);
            Assert.True(DurableFile.IsTemp(Path.GetFileName(Assert.Single(Directory.GetFiles(folder.Path)))));
        }
        Assert.Empty(Files(folder.Path));
    }
}
