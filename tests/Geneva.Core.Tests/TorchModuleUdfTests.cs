using System.Diagnostics;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.Torch.Launch;

namespace Geneva.Core.Tests;

/// <summary>
/// Model UDFs of a TorchSharp module class (tests/Geneva.TestModels) whose weights load from a file.
/// The test first runs Geneva.TestModels (on the torch runtime, as a worker would start) to give the
/// module random weights, save them in each format, and record TinyMlp's own forward pass over random
/// inputs; a backfill through real model workers must then produce those outputs from every format.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class TorchModuleUdfTests : IClassFixture<TorchModuleUdfTests.RandomWeights>
{

    /// <summary>Geneva.TestModels.dll, built for this platform (bin/&lt;configuration&gt;/net10.0/&lt;rid&gt;/).</summary>
    public static string ModelsDll { get; } = Directory.GetFiles(
        Path.Combine(TestData.Repo, "tests", "Geneva.TestModels", "bin", TestData.Configuration, "net10.0"), "Geneva.TestModels.dll",
        SearchOption.AllDirectories).Single();

    private readonly RandomWeights _weights;

    public TorchModuleUdfTests(RandomWeights weights) => _weights = weights;

    /// <summary>The weight files and the direct forward pass, made once for the class in a temporary folder.</summary>
    public sealed class RandomWeights : IDisposable
    {
        private readonly TestFolder _folder = new();

        public RandomWeights()
        {
            var info = TorchWorkerLauncher.HostStartInfo(TestData.TorchRuntime);
            info.ArgumentList.Add(ModelsDll);
            info.ArgumentList.Add(Folder);
            info.RedirectStandardError = true;
            info.RedirectStandardOutput = true;
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"Geneva.TestModels failed: {stderr.Result}");
            var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "tinymlp.json"))).RootElement;
            Inputs = Rows(json.GetProperty("inputs"));
            Outputs = Rows(json.GetProperty("outputs"));
        }

        public string Folder => _folder.Path;

        public float[][] Inputs { get; }

        public float[][] Outputs { get; }

        private static float[][] Rows(JsonElement rows) =>
            rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

        public void Dispose() => _folder.Dispose();
    }

    private static UdfSpec Module(string weights, string typeName = "Geneva.TestModels.TinyMlp", int? batchSize = null) =>
        ModelUdfDescriber.Describe(weights, "mlp", ["vec"], "fixed_size_list<float32>[3]", "auto", batchSize, ModelsDll, typeName);

    private GenevaTable Table(TestFolder folder)
    {
        var vectorType = new FixedSizeListType(new Field("item", FloatType.Default, false), 4);
        var schema = new Schema([new Field("vec", vectorType, false)], null);
        var values = new FloatArray.Builder().AppendRange(_weights.Inputs.SelectMany(r => r)).Build();
        var rows = _weights.Inputs.Length;
        var vectors = new FixedSizeListArray(new ArrayData(vectorType, rows, 0, 0, [ArrowBuffer.Empty], [values.Data]));
        return GenevaTable.Create(folder.Table(), schema, [new RecordBatch(schema, [vectors], rows)],
            new TableWriteOptions { MaxRowsPerFragment = 16 });
    }

    private static BackfillResult Backfill(GenevaTable table, UdfSpec udf) =>
        new BackfillCoordinator(new BackfillRunOptions
        {
            Executor = new ProcessTaskExecutor(new TorchWorkerLauncher(TestData.TorchWorkerDll, TestData.TorchRuntime), 1, 1),
        }).Start(table.AddColumn("out", udf.OutputType, udf), new BackfillRequest { Column = "out", CheckpointSize = 10 });

    [Theory]
    [InlineData("tinymlp.dat")]          // TorchSharp's own format (Module.save)
    [InlineData("tinymlp.safetensors")]  // safetensors, through TorchSharp.PyBridge
    [InlineData("tinymlp.pt")]           // a PyTorch state_dict, through TorchSharp.PyBridge
    public void Backfill_ModuleWithWeightsFile_EqualsDirectForwardPass(string weights)
    {
        using var folder = new TestFolder();
        var table = Table(folder);
        var result = Backfill(table, Module(Path.Combine(_weights.Folder, weights), batchSize: 6));
        Assert.Equal(JobStatus.Done, result.Status);
        var actual = TestData.FloatRows(GenevaTable.Open(table.Path), "out");
        Assert.Equal(_weights.Outputs.Length, actual.Count);
        for (var r = 0; r < actual.Count; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.True(Math.Abs(_weights.Outputs[r][c] - actual[r][c]) < 1e-5,
                    $"{weights} row {r} value {c}: forward pass {_weights.Outputs[r][c]}, backfill {actual[r][c]}");
            }
        }
    }

    [Fact]
    public void Backfill_WeightsOfAnotherModule_FailsSayingTheyDoNotFit()
    {
        using var folder = new TestFolder();
        var e = Assert.ThrowsAny<GenevaException>(() =>
            Backfill(Table(folder), Module(Path.Combine(_weights.Folder, "tinymlp.safetensors"), "Geneva.TestModels.WideMlp")));
        Assert.Equal(GenevaErrorCode.UdfLoadFailed, e.Code);
        Assert.Contains("do not fit 'Geneva.TestModels.WideMlp'", e.Message);
    }

    [Fact]
    public void Describe_ModuleClassByShortName_FindsItsFullNameAndHashesWeightsWithAssembly()
    {
        var spec = Module(Path.Combine(_weights.Folder, "tinymlp.dat"), "TinyMlp");
        Assert.Equal("Geneva.TestModels.TinyMlp", spec.TypeName);
        Assert.Equal(ModelsDll, spec.ModuleAssembly);
        var other = Module(Path.Combine(_weights.Folder, "tinymlp.safetensors"), "TinyMlp");
        Assert.NotEqual(spec.EffectiveVersion, other.EffectiveVersion);
    }

    [Fact]
    public void Describe_UnknownModuleClass_ListsThePublicClasses()
    {
        var e = Assert.Throws<GenevaException>(() => Module(Path.Combine(_weights.Folder, "tinymlp.dat"), "NoSuchMlp"));
        Assert.Equal(GenevaErrorCode.UdfLoadFailed, e.Code);
        Assert.Contains("Geneva.TestModels.TinyMlp", e.Message);
        Assert.Contains("Geneva.TestModels.WideMlp", e.Message);
    }
}
