using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.TestUdfs;

namespace Geneva.Bench;

/// <summary>
/// Worker scaling (--scaling): the same backfill through real Geneva.Worker processes at
/// different -Concurrency / -IntraApplierConcurrency, timed in one run so the ratios compare
/// like with like. A CPU-bound UDF (SpinHash) at 1 and 2 worker processes, and an I/O-bound
/// one (SleepyDouble, 10 ms a row) at 1 and 8 instances in one worker. Wall time includes
/// starting the workers, as a user would see it; every run's output is spot-checked. Next to
/// them, the floor: the same CPU-bound function in a bare loop on 1 and 2 threads of this
/// process, because what 2 cores give on a shared virtual machine varies from minute to minute.
/// </summary>
internal static class Scaling
{
    private const int CpuRows = 100_000;
    private const int SpinRounds = 50_000;
    private const int IoRows = 2_400;
    private const int SleepMs = 10;

    /// <param name="Udf">Null: the bare loop on <paramref name="Instances"/> threads, no Geneva.</param>
    private sealed record Case(string Name, Type? Udf, int Rows, int CheckpointSize, int Workers, int Instances, Func<long, long> Expected)
    {
        /// <summary>The worker this case runs on; null: the default one beside the bench.</summary>
        public string? WorkerDll { get; init; }
    }

    public static int Run(BenchOptions o)
    {
        Environment.SetEnvironmentVariable("GENEVA_TEST_SPIN_ROUNDS", SpinRounds.ToString(CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("GENEVA_TEST_SLEEP_MS", SleepMs.ToString(CultureInfo.InvariantCulture));
        Func<long, long> spin = id => SpinHash.Hash(id, SpinRounds);
        var cases = new List<Case>
        {
            new("floor", null, CpuRows, 0, 1, 1, spin),
            new("floor", null, CpuRows, 0, 1, 2, spin),
            new("cpu", typeof(SpinHash), CpuRows, 2_000, 1, 1, spin),
            new("cpu", typeof(SpinHash), CpuRows, 2_000, 2, 1, spin),
            new("cpu", typeof(SpinHash), CpuRows, 2_000, 1, 2, spin),
            new("io", typeof(SleepyDouble), IoRows, 20, 1, 1, id => id * 2),
            new("io", typeof(SleepyDouble), IoRows, 20, 1, 8, id => id * 2),
        };
        cases.RemoveAll(c => o.Only is not null && !o.Only.Split(',').Contains(c.Name));
        // --worker-dll a,b: every worker case once per worker build, interleaved in the same run (an A/B on a shared machine).
        var dlls = o.WorkerDll?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (dlls.Length > 1)
        {
            cases = cases.SelectMany(c => c.Udf is null ? [c] : dlls.Select((d, i) => c with { Name = $"{c.Name}/{i + 1}", WorkerDll = d })).ToList();
            for (var i = 0; i < dlls.Length; i++)
            {
                Console.WriteLine($"Worker build {i + 1}: {dlls[i]}");
            }
        }
        Console.WriteLine($"Worker scaling, {Environment.ProcessorCount} cores, median of {o.Repeats}; " +
                          $"cpu: SpinHash ({SpinRounds:N0} xorshift rounds a row) over {CpuRows:N0} rows; " +
                          $"io: SleepyDouble ({SleepMs} ms a row) over {IoRows:N0} rows.");
        var seconds = new Dictionary<Case, List<double>>();
        Directory.CreateDirectory(o.Work);
        // Interleave repeats, so drift on a shared machine hits every case alike.
        for (var r = 0; r < o.Repeats; r++)
        {
            foreach (var c in cases)
            {
                var s = c.Udf is null ? TimeBareLoop(c) : Time(c, Path.Combine(o.Work, $"scaling-{c.Name.Replace('/', '-')}-{c.Workers}x{c.Instances}-{r}"),
                    c.WorkerDll ?? o.WorkerDll ?? DotNetWorkerLauncher.DefaultWorkerDll);
                (seconds.TryGetValue(c, out var list) ? list : seconds[c] = []).Add(s);
                Console.WriteLine($"  {c.Name} {c.Workers} worker(s) x {c.Instances} instance(s): {s:F2} s{(c.Udf is null ? "" : $" ({LastDetail})")}");
            }
        }
        Console.WriteLine();
        Console.WriteLine("| UDF | workers x instances | rows | seconds (median) | rows/s | speed-up |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var group in cases.GroupBy(c => c.Name))
        {
            var first = Median(seconds[group.First()]);
            foreach (var c in group)
            {
                var m = Median(seconds[c]);
                Console.WriteLine($"| {c.Name} ({c.Udf?.Name ?? "bare loop, threads"}) | {c.Workers} x {c.Instances} | {c.Rows:N0} | {m:F2} | {c.Rows / m:N0} | {first / m:F2}x |");
            }
        }
        return 0;
    }

    /// <summary>Where the last run's time went, from its checkpoint receipts.</summary>
    private static string LastDetail = "";

    private static double Time(Case c, string dir, string workerDll)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        var schema = new Schema([new Field("id", Int64Type.Default, false)], null);
        var ids = Enumerable.Range(0, c.Rows).Select(i => (long)i).ToList();
        var batches = ids.Chunk(10_000).Select(chunk =>
            new RecordBatch(schema, [new Int64Array.Builder().AppendRange(chunk).Build()], chunk.Length));
        var udf = c.Udf!;
        var spec = DotNetUdfLoader.Describe(udf.Assembly.Location, udf.FullName);
        var table = GenevaTable.Create(dir, schema, batches, new TableWriteOptions { MaxRowsPerFragment = 25_000 })
            .AddColumn("out", "int64", spec);

        var executor = new ProcessTaskExecutor(new DotNetWorkerLauncher(workerDll), c.Workers, c.Instances);
        var sessionCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = new BackfillCoordinator(new BackfillRunOptions { Executor = executor }).Start(table, new BackfillRequest
        {
            Column = "out",
            CheckpointSize = c.CheckpointSize,
            MinCheckpointSize = c.CheckpointSize,
            MaxCheckpointSize = c.CheckpointSize,
        });
        clock.Stop();
        sessionCpu = Process.GetCurrentProcess().TotalProcessorTime - sessionCpu;
        using (var store = Core.Checkpoints.CheckpointStore.Open(dir))
        {
            var receipts = store.ForJob(result.JobId);
            LastDetail = $"UDF {receipts.Sum(r => r.UdfSeconds):F2} s, write {receipts.Sum(r => r.WriteSeconds):F2} s in {receipts.Count} checkpoints; " +
                         $"session CPU {sessionCpu.TotalSeconds:F2} s ({sessionCpu.TotalMilliseconds / Math.Max(1, receipts.Count):F1} ms a checkpoint)";
        }

        var latest = GenevaTable.Open(dir);
        var i = 0L;
        foreach (var batch in latest.Scan(["id", "out"]))
        {
            var id = (Int64Array)batch.Column(0);
            var output = (Int64Array)batch.Column(1);
            for (var row = 0; row < batch.Length; row++, i++)
            {
                // Every row is non-null; every 37th is recomputed (all of them would cost as much as the run).
                if (output.IsNull(row) || (i % 37 == 0 && output.GetValue(row) != c.Expected(id.GetValue(row)!.Value)))
                {
                    throw new InvalidOperationException($"{c.Name}: row {id.GetValue(row)} has a wrong value.");
                }
            }
        }
        if (i != c.Rows || result.RowsCheckpointed != c.Rows)
        {
            throw new InvalidOperationException($"{c.Name}: {i} rows read back, {result.RowsCheckpointed} checkpointed, {c.Rows} expected.");
        }
        Directory.Delete(dir, recursive: true);
        return clock.Elapsed.TotalSeconds;
    }

    private static double TimeBareLoop(Case c)
    {
        var sums = new long[c.Instances];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, c.Instances, new ParallelOptions { MaxDegreeOfParallelism = c.Instances }, t =>
        {
            for (long id = t; id < c.Rows; id += c.Instances)
            {
                sums[t] += c.Expected(id);
            }
        });
        clock.Stop();
        GC.KeepAlive(sums);
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
