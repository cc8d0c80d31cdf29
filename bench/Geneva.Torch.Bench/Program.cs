// Model-UDF benchmark, run by hand (bench/run-torch.sh): a backfill of a TorchScript MLP through a
// Geneva.Torch.Worker process against the same model's bare inference loop in this process, over
// the same rows, in one run (interleaved, medians; the worker is pooled, so from run 2 it is warm and
// has the model loaded; the bare loop loads it once, untimed). This process loads libtorch itself, so it runs
// on the same runtime as the worker (the private one where the system libstdc++ is too old).

using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.Torch;
using Geneva.Torch.Launch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
const int BatchSize = 512;
const int Width = 128;
var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
var model = Path.Combine(repo, "bench", "models", "mlp128.pt");
var workerDll = Path.Combine(repo, "module", "bin", "torch", "Geneva.Torch.Worker.dll");
var work = Path.Combine(Path.GetTempPath(), "geneva-torch-bench");

var vectorType = new FixedSizeListType(new Field("item", FloatType.Default, false), Width);
var schema = new Schema([new Field("vec", vectorType, false)], null);
var random = new Random(11);
var batches = Enumerable.Range(0, (rows + 9_999) / 10_000).Select(b =>
{
    var n = Math.Min(10_000, rows - b * 10_000);
    var values = new FloatArray.Builder();
    for (var i = 0; i < n * Width; i++)
    {
        values.Append((float)(random.NextDouble() * 2 - 1));
    }
    return new RecordBatch(schema, [new FixedSizeListArray(new ArrayData(vectorType, n, 0, 0, [ArrowBuffer.Empty], [values.Build().Data]))], n);
}).ToList();
var spec = ModelUdfDescriber.Describe(model, "mlp", ["vec"], "fixed_size_list<float32>[64]", "cpu", BatchSize);

Console.WriteLine($"Model-UDF benchmark: MLP 128-512-64 (TorchScript from PyTorch), {rows:N0} rows, batches of {BatchSize}, " +
                  $"{Environment.ProcessorCount} cores, CPU libtorch; median of {repeats}.");
var bare = new List<double>();
var backfill = new List<double>();
var bareCpu = new List<double>();
var backfillCpu = new List<double>();
float[]? reference = null;
// As in a pwsh session: the worker of one backfill stays idle for the next (runs 2.. are warm).
using var pool = new WorkerPool(TimeSpan.FromMinutes(5));
// The bare loop's model is loaded once, outside the timing, and kept across runs, as the pooled worker
// keeps its model from the second backfill on (the first backfill pays for its worker and model load).
using var bareModel = new TorchModelUdf(spec);
bareModel.Setup();
// GENEVA_BENCH_WORKER_ENV="NAME=VALUE;..." sets variables for the worker only (this process's libtorch
// and OpenMP have read theirs by now), to compare worker settings against an unchanged bare loop.
foreach (var pair in (Environment.GetEnvironmentVariable("GENEVA_BENCH_WORKER_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
{
    Environment.SetEnvironmentVariable(pair.Split('=', 2)[0], pair.Split('=', 2)[1]);
}
for (var r = 0; r < repeats; r++)
{
    // The bare loop: the same Arrow batches sliced into forward passes, outputs copied out once.
    var cpu = CpuSeconds();
    var clock = Stopwatch.StartNew();
    var outputs = new List<float>(rows * 64);
    foreach (var batch in batches)
    {
        var output = (FixedSizeListArray)bareModel.Apply(batch);
        outputs.AddRange(((FloatArray)output.Values).Values);
    }
    reference ??= outputs.ToArray();
    bare.Add(clock.Elapsed.TotalSeconds);
    bareCpu.Add(CpuSeconds() - cpu);

    var dir = Path.Combine(work, $"run-{r}");
    if (Directory.Exists(dir))
    {
        Directory.Delete(dir, true);
    }
    var table = GenevaTable.Create(dir, schema, batches).AddColumn("emb", spec.OutputType, spec);
    cpu = CpuSeconds();
    clock.Restart();
    var result = new BackfillCoordinator(new BackfillRunOptions { Executor = new ProcessTaskExecutor(new TorchWorkerLauncher(workerDll), 1, 1, pool: pool) })
        .Start(table, new BackfillRequest { Column = "emb" });
    backfill.Add(clock.Elapsed.TotalSeconds);
    backfillCpu.Add(CpuSeconds() - cpu);

    var i = 0;
    var worst = 0.0;
    foreach (var batch in GenevaTable.Open(dir).Scan(["emb"]))
    {
        var values = ((FloatArray)((FixedSizeListArray)batch.Column(0)).Values).Values;
        for (var k = 0; k < values.Length; k++, i++)
        {
            worst = Math.Max(worst, Math.Abs(values[k] - reference[i]));
        }
    }
    if (i != reference.Length || worst > 1e-5)
    {
        throw new InvalidOperationException($"The backfill differs from the bare loop: {i} values read, largest difference {worst}.");
    }
    string detail;
    using (var store = Geneva.Core.Checkpoints.CheckpointStore.Open(dir))
    {
        var receipts = store.ForJob(result.JobId);
        Console.Error.WriteLine("    per checkpoint: " + string.Join(" ", receipts.Select(x => $"{x.RowCount}:{x.UdfSeconds:F2}s")));
        detail = $"UDF {receipts.Sum(x => x.UdfSeconds):F2} s + write {receipts.Sum(x => x.WriteSeconds):F2} s in {receipts.Count} checkpoints " +
                 $"of {string.Join("/", receipts.Select(x => x.RowCount))} rows";
    }
    Console.WriteLine($"  run {r + 1}: bare loop {bare[^1]:F2} s (CPU {bareCpu[^1]:F2} s), backfill {backfill[^1]:F2} s " +
                      $"(CPU {backfillCpu[^1]:F2} s; {detail}), outputs equal (max diff {worst:G2}); {WorkerStatus()}");
    Directory.Delete(dir, true);
}
double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
Console.WriteLine();
Console.WriteLine("| path | seconds | rows/s | vs bare loop |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| bare inference loop (this process) | {Median(bare):F2} | {rows / Median(bare):N0} | 1.00x |");
Console.WriteLine($"| backfill (1 Geneva.Torch.Worker, checkpoints, commit) | {Median(backfill):F2} | {rows / Median(backfill):N0} | {Median(backfill) / Median(bare):F2}x |");
Console.WriteLine();
Console.WriteLine($"Best of {repeats}: bare {bare.Min():F2} s, backfill {backfill.Min():F2} s ({backfill.Min() / bare.Min():F2}x). " +
                  $"CPU seconds (median; backfill counts this process and the worker): bare {Median(bareCpu):F2}, " +
                  $"backfill {Median(backfillCpu):F2} ({Median(backfillCpu) / Median(bareCpu):F2}x).");

// The pooled worker's resident memory and threads, to see what it keeps between jobs.
static string WorkerStatus()
{
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        try
        {
            if (int.TryParse(Path.GetFileName(dir), out _) && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("Geneva.Torch.Worker.dll"))
            {
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                string Field(string name) => status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1].Trim();
                return $"worker RSS {Field("VmRSS")}, {Field("Threads")} threads";
            }
        }
        catch (IOException)
        {
        }
    }
    return "no worker";
}

// utime + stime of this process and of every Geneva.Torch.Worker (the pooled worker outlives each job), in seconds.
static double CpuSeconds()
{
    double total = 0;
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        var pid = Path.GetFileName(dir);
        if (!int.TryParse(pid, out var id))
        {
            continue;
        }
        try
        {
            if (id != Environment.ProcessId && !File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("Geneva.Torch.Worker.dll"))
            {
                continue;
            }
            var fields = File.ReadAllText(Path.Combine(dir, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            total += (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime, stime in clock ticks (USER_HZ = 100)
        }
        catch (IOException)
        {
            // the process ended while we read it
        }
    }
    return total;
}
return 0;
