using Apache.Arrow;
using Geneva.Core.Execution;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;

namespace Geneva.Core.Tests;

/// <summary>A temporary folder per test, deleted afterwards, and helpers that make small tables.</summary>
public sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "geneva-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Table(string name = "t") => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class TestData
{
    /// <summary>The private runtime model workers start on where the system libstdc++ is too old (build.ps1 installs it).</summary>
    public static string TorchRuntime => Environment.GetEnvironmentVariable(Geneva.Torch.Launch.TorchWorkerLauncher.RuntimeVariable)
        ?? System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "module", "bin", "torch", "torch-runtime"));

    /// <summary>The repository root and the build configuration the tests were built in.</summary>
    public static string Repo { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>Geneva.Torch.Worker as built in its own folder (not copied here: libtorch is 600 MB).</summary>
    public static string TorchWorkerDll { get; } =
        System.IO.Path.Combine(Repo, "src", "Geneva.Torch.Worker", "bin", Configuration, "net10.0", "Geneva.Torch.Worker.dll");

    /// <summary>A float32 or fixed_size_list&lt;float32&gt; column, a float[] per row.</summary>
    public static List<float[]> FloatRows(GenevaTable table, string column)
    {
        var rows = new List<float[]>();
        foreach (var batch in table.Scan([column]))
        {
            switch (batch.Column(0))
            {
                case FixedSizeListArray list:
                    var width = ((Apache.Arrow.Types.FixedSizeListType)list.Data.DataType).ListSize;
                    var values = ((FloatArray)list.Values).Values;
                    for (var i = 0; i < list.Length; i++)
                    {
                        rows.Add(values.Slice((list.Offset + i) * width, width).ToArray());
                    }
                    break;
                case FloatArray scalars:
                    rows.AddRange(Enumerable.Range(0, scalars.Length).Select(i => new[] { scalars.GetValue(i)!.Value }));
                    break;
            }
        }
        return rows;
    }

    /// <summary>Starts the Geneva.Worker built beside the tests.</summary>
    public static readonly Execution.Workers.DotNetWorkerLauncher WorkerLauncher =
        new(System.IO.Path.Combine(AppContext.BaseDirectory, "Geneva.Worker.dll"));

    public static Schema Schema { get; } = new Schema.Builder()
        .Field(f => f.Name("id").DataType(Apache.Arrow.Types.Int64Type.Default))
        .Field(f => f.Name("text").DataType(Apache.Arrow.Types.StringType.Default))
        .Build();

    public static string TextFor(long id) => id % 7 == 3 ? "héllo wörld" : $"row {id} " + new string('x', (int)(id % 13));

    public static RecordBatch Batch(long start, int count, Func<long, string?>? text = null)
    {
        text ??= TextFor;
        var ids = new Int64Array.Builder();
        var texts = new StringArray.Builder();
        for (var i = 0L; i < count; i++)
        {
            ids.Append(start + i);
            var t = text(start + i);
            if (t is null)
            {
                texts.AppendNull();
            }
            else
            {
                texts.Append(t);
            }
        }
        return new RecordBatch(Schema, [ids.Build(), texts.Build()], count);
    }

    public static GenevaTable Create(string path, int rows, int rowsPerFragment = 1000, int batchRows = 256,
        Func<long, string?>? text = null) =>
        GenevaTable.Create(path, Schema, Batches(0, rows, 300, text),
            new TableWriteOptions { MaxRowsPerFragment = rowsPerFragment, BatchRows = batchRows });

    public static IEnumerable<RecordBatch> Batches(long start, int rows, int size, Func<long, string?>? text = null)
    {
        for (var s = 0; s < rows; s += size)
        {
            yield return Batch(start + s, Math.Min(size, rows - s), text);
        }
    }

    public static string TestUdfsPath => typeof(Geneva.TestUdfs.StringLength).Assembly.Location;

    public static UdfSpec Udf(string typeName) => DotNetUdfLoader.Describe(TestUdfsPath, typeName);

    /// <summary>An expression UDF over the columns <paramref name="text"/> names.</summary>
    public static UdfSpec Expression(string text, string type = "int64") => new()
    {
        Name = "e", Kind = UdfKind.Expression, Source = text,
        InputColumns = Geneva.Core.Expressions.SqlExpression.Parse(text).Columns, OutputType = type, Batched = true,
    };

    /// <summary>
    /// Writes the test UDF assembly to <paramref name="path"/> with <see cref="Geneva.TestUdfs.VariantTag"/>
    /// returning "variant-" + <paramref name="variant"/> (one letter): a rebuild with other behaviour.
    /// </summary>
    public static void WriteUdfVariant(string path, char variant)
    {
        var bytes = File.ReadAllBytes(TestUdfsPath);
        var tag = System.Text.Encoding.Unicode.GetBytes("variant-A");
        var at = bytes.AsSpan().IndexOf(tag);
        Assert.True(at >= 0, "VariantTag's literal is in the assembly");
        System.Text.Encoding.Unicode.GetBytes(variant.ToString()).CopyTo(bytes, at + tag.Length - 2);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The folder of the LanceDB-made fixture datasets (see its README).</summary>
    public static string LanceFixtures { get; } = System.IO.Path.Combine(Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance");

    /// <summary>A copy of a fixture dataset in <paramref name="folder"/>, for tests that write (the repository's stays untouched).</summary>
    public static string CopyLanceFixture(TestFolder folder, string name)
    {
        var source = System.IO.Path.Combine(LanceFixtures, name);
        var target = folder.Table(name);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    /// <summary>All values of one column, in row order, as .NET objects.</summary>
    public static List<object?> Column(GenevaTable table, string column)
    {
        var values = new List<object?>();
        foreach (var batch in table.Scan([column]))
        {
            for (var i = 0; i < batch.Length; i++)
            {
                values.Add(Geneva.Core.Arrow.ArrowValues.GetValue(batch.Column(0), i));
            }
        }
        return values;
    }
}

/// <summary>Reports on the engine's thread as it happens (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class InlineProgress(Action<BackfillProgress> report) : IProgress<BackfillProgress>
{
    public void Report(BackfillProgress value) => report(value);

    /// <summary>Runs <paramref name="once"/> at a backfill's first checkpoint, once: where another writer changes the table mid-run.</summary>
    public static InlineProgress AtFirstCheckpoint(Action once)
    {
        var done = false;
        return new InlineProgress(p =>
        {
            if (p.Event is null && !done)
            {
                done = true;
                once();
            }
        });
    }
}

/// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the callback inline.</summary>
public sealed class SyncProgress(Action<Execution.BackfillProgress> report) : IProgress<Execution.BackfillProgress>
{
    public void Report(Execution.BackfillProgress value) => report(value);
}

/// <summary>
/// Test classes that start worker processes or change this process's environment run one at a time:
/// workers inherit the environment (a fault hook set by one test would reach another's worker), and
/// the worker pool keys idle workers by it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkerProcessCollection
{
    public const string Name = "Worker processes";
}
