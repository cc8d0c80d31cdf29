using System.Text;
using System.Diagnostics;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Expressions;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Udfs;
using Geneva.TestUdfs;

namespace Geneva.Bench;

/// <summary>One measurement in a process of its own; prints one RESULT JSON line.</summary>
internal static class Child
{
    /// <summary>Rows per read in the floor loop: the engine's batch size.</summary>
    public const int FloorReadRows = TableWriteOptions.DefaultBatchRows;

    public static int Run(string kind, BenchOptions o)
    {
        var dirs = o.Dirs.Select(Path.GetFullPath).ToList();
        if (dirs.Count == 0)
        {
            throw new ArgumentException("--dir is required for --child");
        }
        var m = kind switch
        {
            "build" => Build(dirs[0], o.Rows[0]),
            "floor" => Floor(dirs[0], o.T0),
            "session" => Session(dirs, o.T0, o.WorkerDll ?? DotNetWorkerLauncher.DefaultWorkerDll, o.CheckpointSize, o.InProcess, o.WorkerEnv),
            "scan" => ScanText(dirs[0]),
            "profile" => Profiler.Run(dirs[0]),
            _ => throw new ArgumentException($"unknown child '{kind}'"),
        };
        m = m with { PeakBytes = Proc.PeakWorkingSet(Environment.ProcessId) };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(m));
        return 0;
    }

    private static double SinceParentStarted(long t0) =>
        // Stopwatch is CLOCK_MONOTONIC on Linux: one clock for both processes.
        (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;

    // ---- input ----

    private static Measurement Build(string dir, long rows)
    {
        var schema = new Schema([new Field("id", Int64Type.Default, false), new Field("text", StringType.Default, true)], null);
        long sum = 0;
        var table = GenevaTable.Create(dir, schema, Batches(rows, schema, s => sum += s));
        File.WriteAllText(Path.Combine(dir, ExpectedFile), JsonSerializer.Serialize(new { Rows = rows, LengthSum = sum }));
        return new Measurement { Kind = "build", Rows = table.Manifest.RowCount, BytesWritten = DirectorySize(dir), Verified = true };
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
                var ids = new Int64Array.Builder();
                long sum = 0;
                for (var i = 0; i < n; i++)
                {
                    var p = random.Next(pool.Length);
                    builder.Append(pool[p].AsSpan());
                    ids.Append(done + i);
                    sum += poolLengths[p];
                }
                addLength(sum);
                yield return new RecordBatch(schema, [ids.Build(), builder.Build()], n);
            }
        }


    public const string ExpectedFile = "expected.json";

    public static (long Rows, long LengthSum) Expected(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ExpectedFile)));
        return (doc.RootElement.GetProperty("Rows").GetInt64(), doc.RootElement.GetProperty("LengthSum").GetInt64());
    }

    // ---- the floor: read the text column with LanceFileReader, lengths, one int32 Lance file ----

    private const int FloorPasses = 3;

    private static Measurement Floor(string dir, long t0)
    {
        var passes = new List<Pass>();
        double first = 0;
        var (rows, expectedSum) = Expected(dir);
        var verified = true;
        var note = "";
        long bytes = 0;
        for (var i = 0; i < FloorPasses; i++)
        {
            var output = Path.Combine(dir, $"floor-{i}.lance");
            var pass = FloorPass(dir, output);
            if (i == 0)
            {
                first = SinceParentStarted(t0);
            }
            bytes = new FileInfo(output).Length;
            passes.Add(pass with { OutputBytes = bytes });
            var (nonNull, sum) = TallyLanceFile(output);
            verified &= nonNull == rows && sum == expectedSum;
            note += $"pass {i}: non-null {nonNull}/{rows}, sum {sum}/{expectedSum}; ";
            File.Delete(output);
        }
        return new Measurement
        {
            Kind = "floor", Rows = rows, Passes = passes, FirstFromProcessStart = first, BytesWritten = bytes, Verified = verified, Note = note,
        };
    }

    private static Pass FloorPass(string dir, string output)
    {
        var read = new Stopwatch();
        var compute = new Stopwatch();
        var write = new Stopwatch();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var total = Stopwatch.StartNew();
        var table = GenevaTable.Open(dir);
        var text = table.Manifest.GetField("text");
        var inSchema = new Schema([new Field("text", StringType.Default, true)], null);
        var outField = new Field("tlen", Int32Type.Default, true);
        var outSchema = new Schema([outField], null);
        var nextId = 0;
        var lanceFields = LanceSchema.FromArrow(outField, ref nextId);
        // The backfill's own kernel (StringKernels.Length through ExpressionUdf), so the two compute alike; it is
        // faster than the bench's StringLength test UDF (see the profile).
        var udf = new ExpressionUdf(SqlExpression.Parse("length(text)"), "int32");
        using (var stream = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var writer = new LanceFileWriter(stream, outSchema, lanceFields);
            foreach (var fragment in table.Manifest.Fragments)
            {
                foreach (var file in fragment.FilesFor(text.Id))
                {
                    read.Start();
                    using var reader = LanceFileReader.Open(Path.Combine(dir, file.Path));
                    read.Stop();
                    for (long start = 0; start < reader.RowCount; start += FloorReadRows)
                    {
                        var n = (int)Math.Min(FloorReadRows, reader.RowCount - start);
                        read.Start();
                        using var column = reader.Read(text.Id, start, n);
                        read.Stop();
                        compute.Start();
                        using var lengths = udf.Apply(new RecordBatch(inSchema, [column], n));
                        compute.Stop();
                        write.Start();
                        writer.Write(new RecordBatch(outSchema, [lengths], n));
                        write.Stop();
                    }
                }
            }
            write.Start();
            writer.Finish();
            writer.Dispose();
            stream.Flush();
            write.Stop();
        }
        total.Stop();
        return new Pass
        {
            Seconds = total.Elapsed.TotalSeconds,
            ReadSeconds = read.Elapsed.TotalSeconds,
            ComputeSeconds = compute.Elapsed.TotalSeconds,
            WriteSeconds = write.Elapsed.TotalSeconds,
            AllocatedBytes = GC.GetTotalAllocatedBytes(true) - allocatedBefore,
            CpuSeconds = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds,
        };
    }

    private static (long NonNull, long Sum) TallyLanceFile(string path)
    {
        using var reader = LanceFileReader.Open(path);
        var id = reader.Fields[0].Id;
        long nonNull = 0, sum = 0;
        for (long start = 0; start < reader.RowCount; start += FloorReadRows)
        {
            using var lengths = (Int32Array)reader.Read(id, start, (int)Math.Min(FloorReadRows, reader.RowCount - start));
            (nonNull, sum) = Tally(lengths, nonNull, sum);
        }
        return (nonNull, sum);
    }

    public static (long NonNull, long Sum) Tally(Int32Array lengths, long nonNull, long sum)
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

    // ---- a session: backfills of length(text) through pooled Geneva.Worker processes, as the cmdlets run them ----

    private sealed class Timestamps : IProgress<BackfillProgress>
    {
        public readonly Stopwatch Clock = new();
        public readonly List<(double At, BackfillProgress Progress)> Events = [];
        public void Report(BackfillProgress value)
        {
            lock (Events)
            {
                Events.Add((Clock.Elapsed.TotalSeconds, value));
            }
        }
    }

    public static UdfSpec LengthSpec() => new()
    {
        Name = "tlen",
        Kind = UdfKind.Expression,
        Source = SqlExpression.Parse("length(text)").Normalized,
        InputColumns = ["text"],
        OutputType = "int32",
        Batched = true,
    };

    /// <param name="dirs">One table copy per backfill: the first runs in this fresh process, the rest on the pooled workers.</param>
    private static Measurement Session(List<string> dirs, long t0, string workerDll, int? checkpointSize, bool inProcess,
                                       IReadOnlyList<string> workerEnv)
    {
        IWorkerLauncher launcher = workerEnv.Count == 0 ? new DotNetWorkerLauncher(workerDll) : new EnvLauncher(new DotNetWorkerLauncher(workerDll), workerEnv);
        using var pool = new WorkerPool(TimeSpan.FromMinutes(5));
        var workers = 0;
        // As Geneva.PowerShell's WorkerExecutors: Geneva.Worker processes, as many as fit, kept in the session's pool.
        Func<UdfSpec, BackfillSettings, ITaskExecutor> factory = (udf, settings) =>
        {
            if (inProcess)
            {
                workers = 0;
                return new InProcessTaskExecutor();
            }
            (workers, _) = WorkerCapacity.Fit(settings.Concurrency, udf.NumCpus, udf.NumGpus, Environment.ProcessorCount, 0);
            return new ProcessTaskExecutor(launcher, workers,
                settings.IntraApplierConcurrency, TimeSpan.FromSeconds(settings.CheckpointTimeout), pool);
        };
        var passes = new List<Pass>();
        double first = 0;
        var verified = true;
        var note = "";
        var (rows, expectedSum) = Expected(dirs[0]);
        foreach (var dir in dirs)
        {
            var (pass, ok, why) = Backfill(dir, factory, rows, expectedSum, checkpointSize);
            if (passes.Count == 0)
            {
                first = SinceParentStarted(t0);
            }
            passes.Add(pass with { Workers = workers });
            verified &= ok;
            note += why + "; ";
        }
        var peaks = Proc.Children(Environment.ProcessId).ToDictionary(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture), Proc.PeakWorkingSet);
        return new Measurement
        {
            Kind = "session", Rows = rows, Passes = passes, FirstFromProcessStart = first, WorkerPeaks = peaks, Verified = verified, Note = note,
        };
    }

    /// <summary>A launcher that sets environment variables in the workers alone (--worker-env).</summary>
    private sealed class EnvLauncher(IWorkerLauncher inner, IReadOnlyList<string> env) : IWorkerLauncher
    {
        public System.Diagnostics.ProcessStartInfo StartInfo(int instances)
        {
            var info = inner.StartInfo(instances);
            foreach (var pair in env)
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                info.Environment[pair[..eq]] = pair[(eq + 1)..];
            }
            return info;
        }
    }

    private static Dictionary<int, double> CpuNow() =>
        Proc.Children(Environment.ProcessId).ToDictionary(p => p, Proc.CpuSeconds)
            .Append(new KeyValuePair<int, double>(Environment.ProcessId, Environment.CpuUsage.TotalTime.TotalSeconds)).ToDictionary();

    private static Dictionary<int, long> IoNow() =>
        Proc.Children(Environment.ProcessId).Append(Environment.ProcessId).ToDictionary(p => p, Proc.WriteBytes);

    private static (Pass Pass, bool Verified, string Note) Backfill(string dir, Func<UdfSpec, BackfillSettings, ITaskExecutor> factory,
                                                                    long expectedRows, long expectedSum, int? checkpointSize)
    {
        var spec = LengthSpec();
        var before = Snapshot(dir);
        var ioBefore = IoNow();
        var cpuBefore = CpuNow();
        var progress = new Timestamps();

        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var total = Stopwatch.StartNew();
        progress.Clock.Start();
        var table = GenevaTable.Open(dir).AddColumn("tlen", "int32", spec);
        var addColumn = total.Elapsed.TotalSeconds;
        var result = new BackfillCoordinator(new BackfillRunOptions { Progress = progress, ExecutorFactory = factory })
            .Start(table, new BackfillRequest
            {
                Column = "tlen", CheckpointSize = checkpointSize, MinCheckpointSize = checkpointSize, MaxCheckpointSize = checkpointSize,
            });
        total.Stop();
        var allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;

        var cpu = CpuNow().Sum(p => p.Value - cpuBefore.GetValueOrDefault(p.Key));
        var ioAfter = IoNow();
        var io = ioAfter.Sum(p => p.Value - ioBefore.GetValueOrDefault(p.Key));
        IReadOnlyList<CheckpointReceipt> receipts;
        using (var store = CheckpointStore.Open(dir))
        {
            receipts = store.ForJob(result.JobId);
        }
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

        var latest = GenevaTable.Open(dir);
        var field = latest.Manifest.GetField("tlen");
        var outputFiles = latest.Manifest.Fragments.SelectMany(f => f.FilesFor(field.Id)).Select(f => Path.GetFullPath(Path.Combine(dir, f.Path))).ToHashSet();
        long output = 0, manifests = 0, transactions = 0, sqlite = 0, other = 0;
        foreach (var (file, size) in Snapshot(dir))
        {
            var grown = size - before.GetValueOrDefault(file, 0);
            if (grown <= 0)
            {
                continue;
            }
            var relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
            if (outputFiles.Contains(file))
            {
                output += grown;
            }
            else if (relative.StartsWith("_versions/", StringComparison.Ordinal) || relative == "_latest.manifest")
            {
                manifests += grown;
            }
            else if (relative.StartsWith("_transactions/", StringComparison.Ordinal))
            {
                transactions += grown;
            }
            else if (relative.StartsWith("_geneva/", StringComparison.Ordinal) && !relative.StartsWith(CheckpointFiles.Folder, StringComparison.Ordinal))
            {
                sqlite += grown;
            }
            else
            {
                other += grown;
                Console.Error.WriteLine($"other bytes: {relative} +{grown}");
            }
        }

        long nonNull = 0, sum = 0;
        foreach (var batch in latest.Scan(["tlen"]))
        {
            (nonNull, sum) = Tally((Int32Array)batch.Column(0), nonNull, sum);
        }
        var ok = result.Status == JobStatus.Done && nonNull == expectedRows && sum == expectedSum;
        var pass = new Pass
        {
            Seconds = total.Elapsed.TotalSeconds,
            AddColumnSeconds = addColumn,
            PlanSeconds = started - addColumn,
            FirstCheckpointSeconds = firstReceipt - started,
            UdfSeconds = receipts.Sum(r => r.UdfSeconds),
            RunnerOtherSeconds = receipts.Sum(r => r.WriteSeconds),
            CommitSeconds = commits,
            FinishSeconds = total.Elapsed.TotalSeconds - (events.Count > 0 ? events[^1].At : addColumn),
            Checkpoints = result.Checkpoints,
            OutputBytes = output,
            CheckpointBytes = receipts.Sum(r => r.Bytes),
            ManifestBytes = manifests,
            TransactionBytes = transactions,
            SqliteBytes = sqlite,
            OtherBytes = other,
            IoWriteBytes = io,
            AllocatedBytes = allocated,
            CpuSeconds = cpu,
        };
        return (pass, ok, $"status {result.Status}, non-null {nonNull}/{expectedRows}, sum {sum}/{expectedSum}");
    }

    // ---- our scan of the text column (Read-GenevaTable -Column text -AsArrow) ----

    private static Measurement ScanText(string dir)
    {
        var passes = new List<Pass>();
        var (rows, _) = Expected(dir);
        long seen = 0, bytes = 0;
        for (var i = 0; i < 2; i++)
        {
            seen = 0;
            bytes = 0;
            var clock = Stopwatch.StartNew();
            foreach (var batch in GenevaTable.Open(dir).Scan(["text"]))
            {
                var text = (StringArray)batch.Column(0);
                seen += text.Length;
                bytes += text.ValueOffsets[text.Length] - text.ValueOffsets[0];
                batch.Dispose();
            }
            passes.Add(new Pass { Seconds = clock.Elapsed.TotalSeconds });
        }
        return new Measurement { Kind = "scan", Rows = rows, Passes = passes, BytesWritten = bytes, Verified = seen == rows, Note = $"{seen}/{rows} rows" };
    }

    public static Dictionary<string, long> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetFullPath(f), f => new FileInfo(f).Length);

    public static long DirectorySize(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
