// Geneva backfill benchmark, run by hand (see ../README.md). Not a test: nothing here asserts timings.
//
// The parent process builds one input table per row count, then runs every timed measurement in a
// child process of its own (this program re-invoked with --child), so each reports its own peak
// working set (VmHWM). Each measurement runs on a fresh copy of the input table (data files
// hard-linked, so the copy costs nothing and the bytes read are the same files).

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Geneva.Bench;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.TestUdfs;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = BenchOptions.Parse(args);
if (options.Child is { } child)
{
    return Child.Run(child, options);
}
return options.Scaling ? Scaling.Run(options) : Parent.Run(options);

namespace Geneva.Bench
{
    internal sealed class BenchOptions
    {
        public List<long> Rows { get; } = [];
        public string Scenario { get; set; } = "all";
        public List<int> CheckpointSizes { get; } = [];
        public List<int> WorkerCounts { get; } = [];
        public int? Workers { get; set; }
        public bool Keep { get; set; }
        public int Repeats { get; set; } = 3;
        public string Work { get; set; } = Path.Combine(Path.GetTempPath(), "geneva-bench");
        public string? Child { get; set; }
        public string? Dir { get; set; }
        public int? CheckpointSize { get; set; }
        public bool Warm { get; set; }
        public bool Profile { get; set; }
        public string? Warmup { get; set; }
        public bool Scaling { get; set; }
        public string? Only { get; set; }

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--rows":
                        o.Rows.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseCount));
                        break;
                    case "--scenario":
                        o.Scenario = Next();
                        if (o.Scenario is not ("all" or "backfill" or "baseline"))
                        {
                            throw new ArgumentException("--scenario is backfill, baseline or all");
                        }
                        break;
                    case "--checkpoint-size":
                        o.CheckpointSizes.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => (int)ParseCount(s)));
                        break;
                    case "--warm":
                        o.Warm = true;
                        break;
                    case "--profile":
                        o.Profile = true;
                        break;
                    case "--warmup":
                        o.Warmup = Next();
                        break;
                    case "--keep":
                        o.Keep = true;
                        break;
                    case "--workers":
                        o.WorkerCounts.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(w => int.Parse(w, CultureInfo.InvariantCulture)));
                        break;
                    case "--child-workers":
                        o.Workers = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--scaling":
                        o.Scaling = true;
                        break;
                    case "--only":
                        o.Only = Next();
                        break;
                    case "--repeat":
                        o.Repeats = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--work":
                        o.Work = Path.GetFullPath(Next());
                        break;
                    case "--child":
                        o.Child = Next();
                        break;
                    case "--dir":
                        o.Dir = Next();
                        break;
                    case "--cs":
                        o.CheckpointSize = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    default:
                        throw new ArgumentException($"Unknown argument '{args[i]}'. Use --rows N [--rows N] [--scenario backfill|baseline|all] " +
                                                    "[--checkpoint-size N[,N]] [--workers N[,N]] [--warm] [--profile] [--repeat 3] [--work DIR] [--keep] | --scaling [--only floor|cpu|io] [--repeat 3]");
                }
            }
            if (o.Rows.Count == 0)
            {
                o.Rows.AddRange([1_000_000, 10_000_000]);
            }
            return o;
        }

        private static long ParseCount(string s)
        {
            s = s.Trim().Replace("_", "", StringComparison.Ordinal);
            var scale = 1L;
            if (s.EndsWith('M') || s.EndsWith('m'))
            {
                scale = 1_000_000;
                s = s[..^1];
            }
            else if (s.EndsWith('K') || s.EndsWith('k'))
            {
                scale = 1_000;
                s = s[..^1];
            }
            return (long)(double.Parse(s, CultureInfo.InvariantCulture) * scale);
        }
    }

    /// <summary>What one child measurement reports (one JSON line on stdout, prefixed RESULT).</summary>
    internal sealed record Measurement
    {
        public string Scenario { get; init; } = "";
        public long Rows { get; init; }
        public double Seconds { get; init; }
        public long PeakBytes { get; init; }
        public long BytesWritten { get; init; }
        public long FilesWritten { get; init; }
        public long AllocatedBytes { get; init; }
        public int Gen2Collections { get; init; }
        public long NonNull { get; init; }
        public long LengthSum { get; init; }
        public bool Verified { get; init; }
        public string? Note { get; init; }
        // Baseline splits.
        public double ReadSeconds { get; init; }
        public double WriteSeconds { get; init; }
        // Backfill splits (from the job's receipts and progress timestamps).
        public double UdfSeconds { get; init; }
        public double RunnerOtherSeconds { get; init; }
        public double FirstCheckpointSeconds { get; init; }
        public double CommitSeconds { get; init; }
        /// <summary>From the last progress report to Start's return: job end, lease release, orphan collection.</summary>
        public double FinishSeconds { get; init; }
        public double StartToFirstReportSeconds { get; init; }
        public double AddColumnSeconds { get; init; }
        public int Checkpoints { get; init; }
        public int MinCheckpointRows { get; init; }
        public int MaxCheckpointRows { get; init; }
        public int? CheckpointSize { get; init; }
        public long RunAllocatedBytes { get; init; }
        public double StartSeconds { get; init; }
        public double ScanSeconds { get; init; }
        public Dictionary<string, double>? Parts { get; init; }
    }

    internal static class Parent
    {
        private const string BaselineName = "baseline";
        private const string BackfillName = "backfill";

        public static int Run(BenchOptions o)
        {
            Directory.CreateDirectory(o.Work);
            var scenarios = new List<(string Name, string Kind, int? CheckpointSize, bool Warm, int? Workers)>();
            foreach (var warm in o.Warm ? new[] { false, true } : [false])
            {
                var suffix = warm ? " warm" : "";
                if (o.Scenario is "all" or "baseline")
                {
                    scenarios.Add((BaselineName + suffix, BaselineName, null, warm, null));
                }
                if (o.Scenario is "all" or "backfill")
                {
                    scenarios.Add((BackfillName + suffix, BackfillName, null, warm, null));
                    scenarios.AddRange(o.CheckpointSizes.Select(cs => ($"{BackfillName} cs={cs}{suffix}", BackfillName, (int?)cs, warm, (int?)null)));
                    // Through Geneva.Worker processes, as the cmdlets run it.
                    scenarios.AddRange(o.WorkerCounts.Select(w => ($"{BackfillName} workers={w}{suffix}", BackfillName, (int?)null, warm, (int?)w)));
                }
            }
            Console.WriteLine($"Geneva backfill benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                              $"{o.Repeats} runs per scenario (medians), work folder {o.Work}");
            Console.WriteLine($"Default CheckpointSize {BackfillSettings.DefaultCheckpointSize}, fragments of " +
                              $"{TableWriteOptions.DefaultMaxRowsPerFragment} rows in batches of {TableWriteOptions.DefaultBatchRows}.");
            var warmupInput = Path.Combine(o.Work, "input-warmup");
            if (o.Warm)
            {
                EnsureInput(warmupInput, 300_000);
            }
            var all = new List<(long Rows, string Name, List<Measurement> Runs)>();
            foreach (var rows in o.Rows)
            {
                var input = Path.Combine(o.Work, $"input-{rows}");
                EnsureInput(input, rows);
                var results = scenarios.ToDictionary(s => s.Name, _ => new List<Measurement>());
                for (var rep = 1; rep <= o.Repeats; rep++)
                {
                    // Alternate the order so neither scenario always runs on a warmer machine.
                    var order = rep % 2 == 1 ? scenarios : Enumerable.Reverse(scenarios).ToList();
                    foreach (var (name, kind, cs, warm, workers) in order)
                    {
                        var dir = Path.Combine(o.Work, $"run-{rows}-{name.Replace(' ', '-').Replace('=', '-')}-{rep}");
                        if (Directory.Exists(dir))
                        {
                            Directory.Delete(dir, true);
                        }
                        CloneTable(input, dir);
                        var childArgs = new List<string> { "--child", kind, "--dir", dir };
                        if (cs is int size)
                        {
                            childArgs.AddRange(["--cs", size.ToString(CultureInfo.InvariantCulture)]);
                        }
                        if (workers is int count)
                        {
                            childArgs.AddRange(["--child-workers", count.ToString(CultureInfo.InvariantCulture)]);
                        }
                        if (warm)
                        {
                            var warmDir = dir + "-warmup";
                            if (Directory.Exists(warmDir))
                            {
                                Directory.Delete(warmDir, true);
                            }
                            CloneTable(warmupInput, warmDir);
                            childArgs.AddRange(["--warmup", warmDir]);
                        }
                        var m = RunChild(childArgs) with { Scenario = name };
                        results[name].Add(m);
                        Console.WriteLine($"  {rows,11:N0} {name,-24} run {rep}: {m.Seconds,7:F3} s, peak {m.PeakBytes / 1048576.0,6:F0} MiB" +
                                          (m.Checkpoints > 0 ? $", {m.Checkpoints} checkpoints" : "") + (m.Verified ? "" : "  NOT VERIFIED"));
                        if (!m.Verified)
                        {
                            Console.Error.WriteLine($"Verification failed: {m.Note}");
                            return 2;
                        }
                        if (!o.Keep)
                        {
                            Directory.Delete(dir, true);
                            if (warm)
                            {
                                Directory.Delete(dir + "-warmup", true);
                            }
                        }
                    }
                }
                foreach (var (name, _, _, _, _) in scenarios)
                {
                    all.Add((rows, name, results[name]));
                }
                if (o.Profile)
                {
                    var dir = Path.Combine(o.Work, $"profile-{rows}");
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, true);
                    }
                    CloneTable(input, dir);
                    var m = RunChild(["--child", "profile", "--dir", dir]);
                    Console.WriteLine($"  {rows,11:N0} profile of the engine's read and write paths (one warm process, second pass of each, seconds):");
                    foreach (var (part, seconds) in m.Parts!)
                    {
                        Console.WriteLine($"      {part,-64} {seconds,7:F3}");
                    }
                    if (!o.Keep)
                    {
                        Directory.Delete(dir, true);
                    }
                }
            }
            Report(all);
            return 0;
        }

        private static void EnsureInput(string input, long rows)
        {
            if (GenevaTable.Exists(input))
            {
                return;
            }
            if (Directory.Exists(input))
            {
                Directory.Delete(input, true);
            }
            var build = Stopwatch.StartNew();
            var made = RunChild(["--child", "build", "--dir", input, "--rows", rows.ToString(CultureInfo.InvariantCulture)]);
            Console.WriteLine($"Built input table of {rows:N0} rows in {build.Elapsed.TotalSeconds:F1} s " +
                              $"({made.BytesWritten / 1048576.0:F0} MiB; not timed).");
        }

        private static void Report(List<(long Rows, string Name, List<Measurement> Runs)> all)
        {
            Console.WriteLine();
            Console.WriteLine("Medians of each scenario's runs (each run a separate process; peak = VmHWM of that process):");
            Console.WriteLine();
            Console.WriteLine("| rows | scenario | seconds | rows/s | vs baseline | peak MiB | MiB written | files | checkpoints | UDF s | overhead s (total - UDF) | with AddColumn: s, vs baseline |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (rows, name, runs) in all)
            {
                var isBackfill = name.StartsWith(BackfillName, StringComparison.Ordinal);
                var baseName = name.EndsWith(" warm", StringComparison.Ordinal) ? BaselineName + " warm" : BaselineName;
                var baseline = all.FirstOrDefault(x => x.Rows == rows && x.Name == baseName).Runs;
                var seconds = Median(runs.Select(r => isBackfill ? r.StartSeconds : r.Seconds));
                var withAdd = Median(runs.Select(r => r.Seconds));
                var baseSeconds = baseline is null ? double.NaN : Median(baseline.Select(r => r.Seconds));
                var udf = Median(runs.Select(r => r.UdfSeconds));
                string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
                Console.WriteLine($"| {rows:N0} | {name} | {F(seconds)} | {rows / seconds / 1e6:F2}M | {seconds / baseSeconds:F2}x | " +
                                  $"{Median(runs.Select(r => (double)r.PeakBytes)) / 1048576.0:F0} | " +
                                  $"{Median(runs.Select(r => (double)r.BytesWritten)) / 1048576.0:F1} | {Median(runs.Select(r => (double)r.FilesWritten)):F0} | " +
                                  $"{(isBackfill ? Median(runs.Select(r => (double)r.Checkpoints)).ToString("F0", CultureInfo.InvariantCulture) : "-")} | " +
                                  $"{F(udf)} | {(isBackfill ? F(seconds - udf) : "-")} | " +
                                  $"{(isBackfill ? $"{F(withAdd)}, {withAdd / baseSeconds:F2}x" : "-")} |");
            }
            Console.WriteLine();
            Console.WriteLine("Where the time goes (medians, seconds):");
            foreach (var (rows, name, runs) in all)
            {
                if (!name.StartsWith(BackfillName, StringComparison.Ordinal))
                {
                    Console.WriteLine($"  {rows,11:N0} {name,-24} read {Median(runs.Select(r => r.ReadSeconds)):F3}  UDF {Median(runs.Select(r => r.UdfSeconds)):F3}  " +
                                      $"write {Median(runs.Select(r => r.WriteSeconds)):F3}  allocated (timed part) {Median(runs.Select(r => (double)r.RunAllocatedBytes)) / 1048576.0:F0} MiB");
                }
                else
                {
                    Console.WriteLine($"  {rows,11:N0} {name,-24} add-column {Median(runs.Select(r => r.AddColumnSeconds)):F3}  " +
                                      $"plan+job {Median(runs.Select(r => r.StartToFirstReportSeconds)):F3}  " +
                                      $"1st checkpoint {Median(runs.Select(r => r.FirstCheckpointSeconds)):F3}  UDF {Median(runs.Select(r => r.UdfSeconds)):F3}  " +
                                      $"runner read+write {Median(runs.Select(r => r.RunnerOtherSeconds)):F3}  commits {Median(runs.Select(r => r.CommitSeconds)):F3}  " +
                                      $"finish {Median(runs.Select(r => r.FinishSeconds)):F3}  " +
                                      $"checkpoint rows {runs[0].MinCheckpointRows}..{runs[0].MaxCheckpointRows}  " +
                                      $"allocated (timed part) {Median(runs.Select(r => (double)r.RunAllocatedBytes)) / 1048576.0:F0} MiB  gen2 GCs {Median(runs.Select(r => (double)r.Gen2Collections)):F0}  " +
                                      $"(untimed read-back of len with Scan: {Median(runs.Select(r => r.ScanSeconds)):F3} s)");
                }
            }
        }

        private static double Median(IEnumerable<double> values)
        {
            var v = values.Order().ToList();
            return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
        }

        private static Measurement RunChild(IReadOnlyList<string> childArgs)
        {
            var host = Environment.ProcessPath!;
            var start = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Parent).Assembly.Location);
            }
            foreach (var a in childArgs)
            {
                start.ArgumentList.Add(a);
            }
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException($"Child {string.Join(' ', childArgs)} failed (exit {process.ExitCode}):\n{output}");
            }
            return JsonSerializer.Deserialize<Measurement>(line["RESULT ".Length..])!;
        }

        /// <summary>A fresh table copy: data files hard-linked (they are never written in place), the rest copied.</summary>
        private static void CloneTable(string from, string to)
        {
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                var target = Path.Combine(to, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (!relative.StartsWith("data", StringComparison.Ordinal) || Native.link(file, target) != 0)
                {
                    File.Copy(file, target);
                }
            }
        }
    }

    internal static class Native
    {
#pragma warning disable CA2101, SYSLIB1054 // plain libc call; UTF-8 is the default string marshalling on Unix
        [DllImport("libc", SetLastError = true)]
        public static extern int link(string oldpath, string newpath);
#pragma warning restore CA2101, SYSLIB1054
    }

    internal static class Child
    {
        public static int Run(string kind, BenchOptions o)
        {
            var dir = Path.GetFullPath(o.Dir ?? throw new ArgumentException("--dir is required for --child"));
            if (o.Warmup is { } warmup)
            {
                // A warm process: the same work once on a small table first (JIT, first use of
                // JSON and SQLite), as in a PowerShell session that has backfilled before.
                _ = kind == "baseline" ? Baseline(Path.GetFullPath(warmup)) : Backfill(Path.GetFullPath(warmup), o.CheckpointSize, o.Workers);
            }
            var m = kind switch
            {
                "build" => Build(dir, o.Rows[0]),
                "baseline" => Baseline(dir),
                "backfill" => Backfill(dir, o.CheckpointSize, o.Workers),
                "profile" => Profiler.Run(dir),
                _ => throw new ArgumentException($"unknown child '{kind}'"),
            };
            m = m with
            {
                PeakBytes = PeakWorkingSet(),
                AllocatedBytes = GC.GetTotalAllocatedBytes(),
                Gen2Collections = GC.CollectionCount(2),
            };
            Console.WriteLine("RESULT " + JsonSerializer.Serialize(m));
            return 0;
        }

        private static long PeakWorkingSet()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64;
        }

        // ---- input ----

        private static Measurement Build(string dir, long rows)
        {
            var schema = new Schema([new Field("text", StringType.Default, true)], null);
            long sum = 0;
            var table = GenevaTable.Create(dir, schema, Batches(rows, schema, s => sum += s));
            File.WriteAllText(Path.Combine(dir, "expected.json"), JsonSerializer.Serialize(new { Rows = rows, LengthSum = sum }));
            return new Measurement { Scenario = "build", Rows = table.Manifest.RowCount, BytesWritten = DirectorySize(dir), Verified = true };
        }

        /// <summary>Short varied strings of 10-60 characters; about one in eight has non-ASCII characters.</summary>
        private static IEnumerable<RecordBatch> Batches(long rows, Schema schema, Action<long> addLength)
        {
            var random = new Random(20261125);
            const string ascii = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:-";
            string[] extra = ["é", "ü", "ß", "ñ", "ø", "中", "文", "字", "€", "😀", "ж", "λ"];
            var pool = new byte[8192][];
            var poolLengths = new int[pool.Length];
            var sb = new StringBuilder();
            for (var p = 0; p < pool.Length; p++)
            {
                sb.Clear();
                var chars = random.Next(10, 61);
                var unicode = random.Next(8) == 0;
                var count = 0;
                while (count < chars)
                {
                    if (unicode && random.Next(4) == 0)
                    {
                        sb.Append(extra[random.Next(extra.Length)]);
                    }
                    else
                    {
                        sb.Append(ascii[random.Next(ascii.Length)]);
                    }
                    count++;
                }
                pool[p] = Encoding.UTF8.GetBytes(sb.ToString());
                poolLengths[p] = count;
            }
            const int batchRows = 65_536;
            for (long done = 0; done < rows; done += batchRows)
            {
                var n = (int)Math.Min(batchRows, rows - done);
                var builder = new StringArray.Builder();
                long sum = 0;
                for (var i = 0; i < n; i++)
                {
                    var p = random.Next(pool.Length);
                    builder.Append(pool[p].AsSpan());
                    sum += poolLengths[p];
                }
                addLength(sum);
                yield return new RecordBatch(schema, [builder.Build()], n);
            }
        }

        private static (long Rows, long LengthSum) Expected(string dir)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
            return (doc.RootElement.GetProperty("Rows").GetInt64(), doc.RootElement.GetProperty("LengthSum").GetInt64());
        }

        // ---- baseline: the same files, the same UDF class, one output file ----

        private static Measurement Baseline(string dir)
        {
            var table = GenevaTable.Open(dir);
            var textField = table.Manifest.GetField("text");
            var files = table.Manifest.Fragments.SelectMany(f => f.FilesFor(textField.Id)).ToList();
            var output = Path.Combine(dir, "baseline-len.arrow");
            var outSchema = new Schema([new Field("len", Int32Type.Default, true)], null);
            var inSchema = new Schema([new Field("text", StringType.Default, true)], null);
            var udf = new StringLength();
            var read = new Stopwatch();
            var compute = new Stopwatch();
            var write = new Stopwatch();

            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var total = Stopwatch.StartNew();
            using (var outStream = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new ArrowFileWriter(outStream, outSchema, leaveOpen: true))
            {
                foreach (var file in files)
                {
                    var column = file.FieldIds.ToList().IndexOf(textField.Id);
                    read.Start();
                    using var stream = new FileStream(Path.Combine(dir, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    using var reader = new ArrowFileReader(stream, leaveOpen: false);
                    read.Stop();
                    while (true)
                    {
                        read.Start();
                        using var batch = reader.ReadNextRecordBatch();
                        read.Stop();
                        if (batch is null)
                        {
                            break;
                        }
                        compute.Start();
                        using var lengths = udf.Apply(new RecordBatch(inSchema, [batch.Column(column)], batch.Length));
                        compute.Stop();
                        write.Start();
                        writer.WriteRecordBatch(new RecordBatch(outSchema, [lengths], lengths.Length));
                        write.Stop();
                    }
                }
                write.Start();
                writer.WriteEnd();
                outStream.Flush();
                write.Stop();
            }
            total.Stop();
            var runAllocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;

            var (expectedRows, expectedSum) = Expected(dir);
            long nonNull = 0, sum = 0;
            using (var stream = File.OpenRead(output))
            using (var reader = new ArrowFileReader(stream))
            {
                while (reader.ReadNextRecordBatch() is { } batch)
                {
                    using (batch)
                    {
                        (nonNull, sum) = Tally((Int32Array)batch.Column(0), nonNull, sum);
                    }
                }
            }
            return new Measurement
            {
                Scenario = "baseline",
                Rows = expectedRows,
                Seconds = total.Elapsed.TotalSeconds,
                RunAllocatedBytes = runAllocated,
                BytesWritten = new FileInfo(output).Length,
                FilesWritten = 1,
                NonNull = nonNull,
                LengthSum = sum,
                Verified = nonNull == expectedRows && sum == expectedSum,
                Note = $"non-null {nonNull}/{expectedRows}, sum {sum}/{expectedSum}",
                ReadSeconds = read.Elapsed.TotalSeconds,
                UdfSeconds = compute.Elapsed.TotalSeconds,
                WriteSeconds = write.Elapsed.TotalSeconds,
            };
        }

        private static (long NonNull, long Sum) Tally(Int32Array lengths, long nonNull, long sum)
        {
            for (var i = 0; i < lengths.Length; i++)
            {
                if (lengths.GetValue(i) is int v)
                {
                    nonNull++;
                    sum += v;
                }
            }
            return (nonNull, sum);
        }

        // ---- backfill: AddColumn + BackfillCoordinator.Start at default settings ----

        private sealed class Timestamps : IProgress<BackfillProgress>
        {
            public readonly Stopwatch Clock = new();
            public readonly List<(double At, BackfillProgress Progress)> Events = [];
            public void Report(BackfillProgress value) => Events.Add((Clock.Elapsed.TotalSeconds, value));
        }

        /// <param name="workers">Geneva.Worker processes to run the UDF in; null runs it in this process.</param>
        private static Measurement Backfill(string dir, int? checkpointSize, int? workers)
        {
            var udfPath = typeof(StringLength).Assembly.Location;
            var spec = DotNetUdfLoader.Describe(udfPath, typeof(StringLength).FullName);
            var before = Snapshot(dir);
            var progress = new Timestamps();

            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var total = Stopwatch.StartNew();
            progress.Clock.Start();
            var table = GenevaTable.Open(dir).AddColumn("len", "int32", spec);
            var addColumn = total.Elapsed.TotalSeconds;
            var start = Stopwatch.StartNew();
            var executor = workers is int n
                ? new Core.Execution.Workers.ProcessTaskExecutor(
                    new Core.Execution.Workers.DotNetWorkerLauncher(Core.Execution.Workers.DotNetWorkerLauncher.DefaultWorkerDll), n, 1)
                : null;
            var result = new BackfillCoordinator(new BackfillRunOptions { Progress = progress, Executor = executor })
                .Start(table, new BackfillRequest { Column = "len", CheckpointSize = checkpointSize });
            start.Stop();
            total.Stop();
            var runAllocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;

            var (written, files) = Written(before, dir);
            IReadOnlyList<CheckpointReceipt> receipts;
            using (var store = CheckpointStore.Open(dir))
            {
                receipts = store.ForJob(result.JobId);
            }
            // Progress: "started" after planning and job rows; one report per receipt; "committed" after each commit.
            var events = progress.Events;
            var started = events.FirstOrDefault(e => e.Progress.Event == "started").At;
            double commits = 0;
            for (var i = 1; i < events.Count; i++)
            {
                if (events[i].Progress.Event?.StartsWith("committed", StringComparison.Ordinal) == true)
                {
                    commits += events[i].At - events[i - 1].At;
                }
            }
            var firstReceipt = events.FirstOrDefault(e => e.Progress.Event is null).At;

            var (expectedRows, expectedSum) = Expected(dir);
            long nonNull = 0, sum = 0;
            var latest = GenevaTable.Open(dir);
            var scan = Stopwatch.StartNew();
            foreach (var batch in latest.Scan(["len"]))
            {
                (nonNull, sum) = Tally((Int32Array)batch.Column(0), nonNull, sum);
            }
            scan.Stop();
            var udfSeconds = receipts.Sum(r => r.UdfSeconds);
            return new Measurement
            {
                Scenario = "backfill",
                Rows = expectedRows,
                Seconds = total.Elapsed.TotalSeconds,
                StartSeconds = start.Elapsed.TotalSeconds,
                ScanSeconds = scan.Elapsed.TotalSeconds,
                BytesWritten = written,
                FilesWritten = files,
                NonNull = nonNull,
                LengthSum = sum,
                Verified = result.Status == JobStatus.Done && nonNull == expectedRows && sum == expectedSum,
                Note = $"status {result.Status}, non-null {nonNull}/{expectedRows}, sum {sum}/{expectedSum}",
                UdfSeconds = udfSeconds,
                RunnerOtherSeconds = receipts.Sum(r => r.WriteSeconds),
                FirstCheckpointSeconds = firstReceipt - started,
                CommitSeconds = commits,
                FinishSeconds = addColumn + start.Elapsed.TotalSeconds - (events.Count > 0 ? events[^1].At : addColumn),
                StartToFirstReportSeconds = started - addColumn,
                AddColumnSeconds = addColumn,
                Checkpoints = result.Checkpoints,
                MinCheckpointRows = receipts.Count == 0 ? 0 : receipts.Min(r => r.RowCount),
                MaxCheckpointRows = receipts.Count == 0 ? 0 : receipts.Max(r => r.RowCount),
                CheckpointSize = checkpointSize,
                RunAllocatedBytes = runAllocated,
            };
        }

        private static Dictionary<string, long> Snapshot(string dir) =>
            Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => new FileInfo(f).Length);

        /// <summary>Bytes in files created or grown since <paramref name="before"/> (SQLite, WAL, manifests, checkpoint files).</summary>
        private static (long Bytes, long Files) Written(Dictionary<string, long> before, string dir)
        {
            long bytes = 0, files = 0;
            foreach (var (file, size) in Snapshot(dir))
            {
                var old = before.GetValueOrDefault(file, -1);
                if (old < 0)
                {
                    files++;
                    bytes += size;
                }
                else if (size > old)
                {
                    bytes += size - old;
                }
            }
            return (bytes, files);
        }

        private static long DirectorySize(string dir) =>
            Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    }
}
