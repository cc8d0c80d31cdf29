using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>Describing .NET UDFs from assembly metadata, in the caller's process.</summary>
public class DotNetUdfLoaderTests
{
    [Fact]
    public void Describe_AssemblyFile_ReadsTheClassWithoutLoadingTheAssembly()
    {
        using var folder = new TestFolder();
        var dll = Path.Combine(folder.Path, "Geneva.TestUdfs.dll");
        TestData.WriteUdfVariant(dll, 'A');

        var spec = DotNetUdfLoader.Describe(dll, "WordCount");

        Assert.Equal("Geneva.TestUdfs.WordCount", spec.TypeName);
        Assert.Equal(["text"], spec.InputColumns);
        Assert.Equal("int32", spec.OutputType);
        Assert.False(spec.Batched);
        Assert.Equal(UdfSourceHash.OfFiles(dll), spec.SourceHash);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => !a.IsDynamic && a.Location == dll);
    }

    [Fact]
    public void Describe_AttributeValues_BecomeTheSpecsDefaults()
    {
        var batch = TestData.Udf("BatchFailOnBoom");
        Assert.True(batch.Batched);
        Assert.Equal("Skip", batch.OnError.Name);
        Assert.Equal(["text"], batch.InputColumns);
        var strlen = TestData.Udf("StringLength");
        Assert.Equal("strlen", strlen.Name);
    }

    [Fact]
    public void Describe_FileRebuiltWithOtherBytes_HasAnotherVersion()
    {
        using var folder = new TestFolder();
        var dll = Path.Combine(folder.Path, "Geneva.TestUdfs.dll");
        TestData.WriteUdfVariant(dll, 'A');
        var before = DotNetUdfLoader.Describe(dll, "VariantTag");
        TestData.WriteUdfVariant(dll, 'B');
        var after = DotNetUdfLoader.Describe(dll, "VariantTag");

        Assert.NotEqual(before.EffectiveVersion, after.EffectiveVersion);
        Assert.NotEqual((before with { Version = "v1" }).EffectiveVersion, (after with { Version = "v1" }).EffectiveVersion);
        Assert.StartsWith("v1+", (after with { Version = "v1" }).EffectiveVersion);
    }
}
