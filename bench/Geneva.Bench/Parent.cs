using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Bench;

/// <summary>
/// Builds the input tables, runs every measurement in its own process, repeats them in alternating
/// order and prints medians and ratios. Per repetition and row count: the floor loop, a session (first
/// backfill in a fresh process, then backfills on its warm pooled workers), our scan of the text
/// column, and LanceDB (node) opening identical copies, scanning text and running addColumns.
/// </summary>
internal static class Parent
{
    private sealed record Rep(Measurement Floor, Measurement Session, Measurement Scan, LanceDbRun? LanceDb);

    public sealed record LanceDbRun(double Imported, double ProcessSeconds, List<LanceDbTable> Runs, long PeakBytes);

    public sealed record LanceDbTable(double Open, double Scan, double AddColumns, double SinceStart, long Rows, long TextBytes,
                                      long NonNull, double Sum, bool Verified);

    public static int Run(BenchOptions o)
    {
        Directory.CreateDirectory(o.Work);
        var interop = Path.GetFullPath(Path.Combine(RepoRoot(), "tests", "interop"));
        var script = Path.Combine(RepoRoot(), "bench", "lancedb-addcol.mjs");
        if ((o.LanceDb || o.Input == "lancedb") && !Directory.Exists(Path.Combine(interop, "node_modules", "@lancedb")))
        {
            Console.Error.WriteLine($"LanceDB is not installed: run `cd {interop} && npm ci` (node 20), or pass --no-lancedb.");
            return 3;
        }
        Console.WriteLine($"Geneva backfill benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {o.Repeats} repetitions " +
                          $"(medians), {o.WarmRuns} warm backfill(s) per session, work folder {o.Work}");
        Console.WriteLine($"Default CheckpointSize {BackfillSettings.DefaultCheckpointSize}, fragments of " +
                          $"{TableWriteOptions.DefaultMaxRowsPerFragment} rows in batches of {TableWriteOptions.DefaultBatchRows}; " +
                          $"expression length(text) -> int32 through Geneva.Worker processes (pooled).");
        var all = new Dictionary<long, List<Rep>>();
        var profiles = new Dictionary<long, Measurement>();
        foreach (var rows in o.Rows)
        {
            var input = Path.Combine(o.Work, o.Input == "lancedb" ? $"input-lancedb-{rows}.lance" : $"input-{rows}.lance");
            if (o.Input == "lancedb")
            {
                EnsureLanceDbInput(input, rows, interop);
            }
            else
            {
                EnsureInput(input, rows);
            }
            var expectedSum = Child.Expected(input).LengthSum;
            var reps = all[rows] = [];
            for (var rep = 1; rep <= o.Repeats; rep++)
            {
                var dirs = new List<string>();
                string Fresh(string name)
                {
                    var dir = Path.Combine(o.Work, $"run-{rows}-{rep}", name + ".lance");
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, true);
                    }
                    CloneTable(input, dir);
                    dirs.Add(dir);
                    return dir;
                }
                Measurement? floor = null, session = null, scan = null;
                LanceDbRun? lance = null;
                var steps = new List<Action>
                {
                    () => floor = RunChild(["--child", "floor", "--dir", Fresh("floor")]),
                    () => session = RunChild(["--child", "session", .. Enumerable.Range(0, 1 + o.WarmRuns).SelectMany(i => new[] { "--dir", Fresh($"session{i}") }),
                        .. o.WorkerDll is null ? Array.Empty<string>() : ["--worker-dll", o.WorkerDll],
                        .. o.WorkerEnv.SelectMany(e => new[] { "--worker-env", e }),
                        .. o.CheckpointSize is int cs ? ["--checkpoint-size", cs.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
                        .. o.InProcess ? ["--in-process"] : Array.Empty<string>()], o.SessionEnv),
                    () => scan = RunChild(["--child", "scan", "--dir", Fresh("scan")]),
                };
                if (o.LanceDb)
                {
                    steps.Add(() => lance = RunLanceDb(script, interop, expectedSum, Enumerable.Range(0, 1 + o.WarmRuns).Select(i => Fresh($"lancedb{i}")).ToList()));
                }
                // Alternate the order so no step always runs on a warmer (or busier) machine.
                foreach (var step in rep % 2 == 1 ? steps : Enumerable.Reverse(steps))
                {
                    step();
                }
                reps.Add(new Rep(floor!, session!, scan!, lance));
                var s = session!.Passes;
                Console.WriteLine($"  {rows,11:N0} run {rep}: floor {floor!.FirstFromProcessStart:F3} s from process start ({floor.Passes[0].Seconds:F3} loop), warm {floor.Passes[1].Seconds:F3}/{floor.Passes[2].Seconds:F3}; " +
                                  $"backfill first {session.FirstFromProcessStart:F3} s from process start ({s[0].Seconds:F3} call), warm {string.Join("/", s.Skip(1).Select(p => p.Seconds.ToString("F3", CultureInfo.InvariantCulture)))}" +
                                  (lance is null ? "" : $"; LanceDB addColumns {string.Join("/", lance.Runs.Select(r => r.AddColumns.ToString("F3", CultureInfo.InvariantCulture)))} " +
                                                        $"({lance.Runs[0].SinceStart:F3} s from node start)"));
                foreach (var m in new[] { floor, session, scan })
                {
                    if (!m!.Verified)
                    {
                        Console.Error.WriteLine($"Verification failed ({m.Kind}): {m.Note}");
                        return 2;
                    }
                }
                if (lance is not null && lance.Runs.Any(r => !r.Verified))
                {
                    Console.Error.WriteLine($"LanceDB's tlen did not verify: {JsonSerializer.Serialize(lance)}");
                    return 2;
                }
                if (!o.Keep)
                {
                    Directory.Delete(Path.Combine(o.Work, $"run-{rows}-{rep}"), true);
                }
            }
            if (o.Profile)
            {
                var dir = Path.Combine(o.Work, $"profile-{rows}.lance");
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, true);
                }
                CloneTable(input, dir);
                profiles[rows] = RunChild(["--child", "profile", "--dir", dir]);
                if (!o.Keep)
                {
                    Directory.Delete(dir, true);
                }
            }
        }
        Report.Print(all.ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => (r.Floor, r.Session, r.Scan, r.LanceDb)).ToList()), profiles);
        return 0;
    }

    private static string RepoRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(Path.Combine(dir, "bench")) && Directory.Exists(Path.Combine(dir, "src")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }

    private static void EnsureInput(string input, long rows)
    {
        if (GenevaTable.Exists(input) && File.Exists(Path.Combine(input, Child.ExpectedFile)))
        {
            return;
        }
        if (Directory.Exists(input))
        {
            Directory.Delete(input, true);
        }
        var build = Stopwatch.StartNew();
        var made = RunChild(["--child", "build", "--dir", input, "--rows", rows.ToString(CultureInfo.InvariantCulture)]);
        Console.WriteLine($"Built input table of {rows:N0} rows (int64 id, utf8 text) in {build.Elapsed.TotalSeconds:F1} s " +
                          $"({made.BytesWritten / 1048576.0:F0} MiB; not timed).");
    }

    /// <summary>The LanceDB-made input (LanceDB's createTable with its defaults), made once and kept in the work folder.</summary>
    private static void EnsureLanceDbInput(string input, long rows, string interop)
    {
        if (GenevaTable.Exists(input) && File.Exists(Path.Combine(input, Child.ExpectedFile)))
        {
            return;
        }
        if (Directory.Exists(input))
        {
            Directory.Delete(input, true);
        }
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(RepoRoot(), "bench", "lancedb-make.mjs"), interop, input, rows.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }
        var build = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(input, Child.ExpectedFile)))
        {
            throw new InvalidOperationException($"node lancedb-make.mjs failed (exit {process.ExitCode}):\n{output}");
        }
        var files = Directory.GetFiles(Path.Combine(input, "data"));
        Console.WriteLine($"Built LanceDB-made input table of {rows:N0} rows (int64 id, utf8 text of 20-60 characters; LanceDB 0.31 createTable " +
                          $"defaults) in {build.Elapsed.TotalSeconds:F1} s ({Child.DirectorySize(input) / 1048576.0:F0} MiB, {files.Length} data files; not timed).");
    }

    private static Measurement RunChild(IReadOnlyList<string> childArgs, IReadOnlyList<string>? env = null)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var pair in env ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            start.Environment[pair[..eq]] = pair[(eq + 1)..];
        }
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Parent).Assembly.Location);
        }
        foreach (var a in childArgs)
        {
            start.ArgumentList.Add(a);
        }
        start.ArgumentList.Add("--t0");
        var t0 = Stopwatch.GetTimestamp();
        start.ArgumentList.Add(t0.ToString(CultureInfo.InvariantCulture));
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

    private static LanceDbRun RunLanceDb(string script, string interop, long expectedSum, IReadOnlyList<string> tables)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            throw new InvalidOperationException("Stopwatch is not CLOCK_MONOTONIC in ns here; node's hrtime cannot share its clock.");
        }
        var clock = Stopwatch.StartNew();
        foreach (var a in new[] { script, interop, expectedSum.ToString(CultureInfo.InvariantCulture),
                                  Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture) }.Concat(tables))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"node {script} failed (exit {process.ExitCode}):\n{output}");
        }
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        using var doc = JsonDocument.Parse(line["RESULT ".Length..]);
        return new LanceDbRun(doc.RootElement.GetProperty("imported").GetDouble(), seconds,
            doc.RootElement.GetProperty("runs").Deserialize<List<LanceDbTable>>(options)!,
            doc.RootElement.TryGetProperty("peakBytes", out var peak) ? peak.GetInt64() : 0);
    }

    /// <summary>A fresh table copy: data files hard-linked (they are never written in place), the rest copied.</summary>
    public static void CloneTable(string from, string to)
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

    private static class Native
    {
#pragma warning disable CA2101, SYSLIB1054 // plain libc call; UTF-8 is the default string marshalling on Unix
        [DllImport("libc", SetLastError = true)]
        public static extern int link(string oldpath, string newpath);
#pragma warning restore CA2101, SYSLIB1054
    }
}
