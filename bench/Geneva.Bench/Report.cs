using System.Globalization;

namespace Geneva.Bench;

/// <summary>The tables the benchmark prints: medians over repetitions, ratios of medians from the same run.</summary>
internal static class Report
{
    public static void Print(Dictionary<long, List<(Measurement Floor, Measurement Session, Measurement Scan, Parent.LanceDbRun? LanceDb)>> all,
                             Dictionary<long, Measurement> profiles)
    {
        // --repeat 0 --profile: the profile alone.
        all = all.Where(kv => kv.Value.Count > 0).ToDictionary();
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        static string R(double v) => v.ToString("F2", CultureInfo.InvariantCulture) + "x";
        static string MiB(double v) => (v / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

        Console.WriteLine();
        Console.WriteLine("Seconds, medians of the repetitions. \"from start\": from the parent's Process.Start of a fresh process to the end of its");
        Console.WriteLine("first floor pass / first backfill (runtime start, JIT, table open, AddColumn, worker start, commit). Warm floor: passes 2-3");
        Console.WriteLine("in the same process. Warm backfill: backfills 2.. of the session, on its pooled workers, each on a fresh table copy.");
        Console.WriteLine();
        Console.WriteLine("| rows | floor from start (loop) | floor warm | backfill from start (call) | backfill warm | first / floor first | warm / floor warm |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rows, reps) in all)
        {
            var floorFirst = Median(reps.Select(r => r.Floor.FirstFromProcessStart));
            var floorLoop = Median(reps.Select(r => r.Floor.Passes[0].Seconds));
            var floorWarm = Median(reps.SelectMany(r => r.Floor.Passes.Skip(1)).Select(p => p.Seconds));
            var first = Median(reps.Select(r => r.Session.FirstFromProcessStart));
            var firstCall = Median(reps.Select(r => r.Session.Passes[0].Seconds));
            var warm = Median(reps.SelectMany(r => r.Session.Passes.Skip(1)).Select(p => p.Seconds));
            Console.WriteLine($"| {rows:N0} | {F(floorFirst)} ({F(floorLoop)}) | {F(floorWarm)} | {F(first)} ({F(firstCall)}) | {F(warm)} | " +
                              $"**{R(first / floorFirst)}** ({R(firstCall / floorLoop)} call/loop) | **{R(warm / floorWarm)}** |");
        }

        Console.WriteLine();
        Console.WriteLine("CPU seconds (user + system; the backfill's include its workers'), medians: less sensitive to the neighbours than wall time.");
        Console.WriteLine();
        Console.WriteLine("| rows | floor first | floor warm | backfill first | backfill warm | first / floor first | warm / floor warm |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rows, reps) in all)
        {
            var ff = Median(reps.Select(r => r.Floor.Passes[0].CpuSeconds));
            var fw = Median(reps.SelectMany(r => r.Floor.Passes.Skip(1)).Select(p => p.CpuSeconds));
            var bf = Median(reps.Select(r => r.Session.Passes[0].CpuSeconds));
            var bw = Median(reps.SelectMany(r => r.Session.Passes.Skip(1)).Select(p => p.CpuSeconds));
            Console.WriteLine($"| {rows:N0} | {F(ff)} | {F(fw)} | {F(bf)} | {F(bw)} | {R(bf / ff)} | {R(bw / fw)} |");
        }

        if (all.Values.Any(reps => reps.All(r => r.LanceDb is not null)))
        {
            Console.WriteLine();
            Console.WriteLine("LanceDB 0.31.0 (node 20) on identical copies, same run: addColumns([{name:'tlen', valueSql:'length(text)'}]); ");
            Console.WriteLine("\"from start\" = from the parent's Process.Start of node to addColumns done (node start, import, connect, open); warm = later copies in that process.");
            Console.WriteLine();
            Console.WriteLine("| rows | LanceDB addColumns: first call / warm | LanceDB from node start | ours: first call / warm | ours from start | ours / LanceDB (first call, warm) | scan text: ours cold / warm | LanceDB scan first / warm |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (rows, reps) in all)
            {
                var lFirst = Median(reps.Select(r => r.LanceDb!.Runs[0].AddColumns));
                var lWarm = Median(reps.SelectMany(r => r.LanceDb!.Runs.Skip(1)).Select(x => x.AddColumns));
                var lStart = Median(reps.Select(r => r.LanceDb!.Runs[0].SinceStart));
                var oFirst = Median(reps.Select(r => r.Session.Passes[0].Seconds));
                var oWarm = Median(reps.SelectMany(r => r.Session.Passes.Skip(1)).Select(p => p.Seconds));
                var oStart = Median(reps.Select(r => r.Session.FirstFromProcessStart));
                var sCold = Median(reps.Select(r => r.Scan.Passes[0].Seconds));
                var sWarm = Median(reps.Select(r => r.Scan.Passes[1].Seconds));
                var lsFirst = Median(reps.Select(r => r.LanceDb!.Runs[0].Scan));
                var lsWarm = Median(reps.SelectMany(r => r.LanceDb!.Runs.Skip(1)).Select(x => x.Scan));
                Console.WriteLine($"| {rows:N0} | {F(lFirst)} / {F(lWarm)} | {F(lStart)} | {F(oFirst)} / {F(oWarm)} | {F(oStart)} | " +
                                  $"**{R(oFirst / lFirst)}**, **{R(oWarm / lWarm)}** (from start {R(oStart / lStart)}) | {F(sCold)} / {F(sWarm)} | {F(lsFirst)} / {F(lsWarm)} |");
            }

            // Issue 11's goals, each a ratio of medians from this run: ours / LanceDB's.
            Console.WriteLine();
            Console.WriteLine("Goals (issue 11), ours / LanceDB, same run: first backfill <= 1.0x addColumns' first call, warm <= 0.7x its warm calls, " +
                              "scan of text <= 1.0x (cold vs first, warm vs warm); peak memory of every process.");
            Console.WriteLine();
            Console.WriteLine("| rows | first backfill | warm backfill | scan cold | scan warm | peak MiB: session / worker / our scan / LanceDB (node) |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var (rows, reps) in all)
            {
                var lFirst = Median(reps.Select(r => r.LanceDb!.Runs[0].AddColumns));
                var lWarm = Median(reps.SelectMany(r => r.LanceDb!.Runs.Skip(1)).Select(x => x.AddColumns));
                var oFirst = Median(reps.Select(r => r.Session.Passes[0].Seconds));
                var oWarm = Median(reps.SelectMany(r => r.Session.Passes.Skip(1)).Select(p => p.Seconds));
                var sCold = Median(reps.Select(r => r.Scan.Passes[0].Seconds));
                var sWarm = Median(reps.Select(r => r.Scan.Passes[1].Seconds));
                var lsFirst = Median(reps.Select(r => r.LanceDb!.Runs[0].Scan));
                var lsWarm = Median(reps.SelectMany(r => r.LanceDb!.Runs.Skip(1)).Select(x => x.Scan));
                static string G(double ratio, double goal) => $"**{R(ratio)}** ({(ratio <= goal ? "met" : "not met")}, goal {goal:F1}x)";
                Console.WriteLine($"| {rows:N0} | {G(oFirst / lFirst, 1.0)} | {G(oWarm / lWarm, 0.7)} | {G(sCold / lsFirst, 1.0)} | {G(sWarm / lsWarm, 1.0)} | " +
                                  $"{MiB(Median(reps.Select(r => (double)r.Session.PeakBytes)))} / " +
                                  $"{MiB(Median(reps.Select(r => (double)(r.Session.WorkerPeaks?.Values.DefaultIfEmpty().Max() ?? 0))))} / " +
                                  $"{MiB(Median(reps.Select(r => (double)r.Scan.PeakBytes)))} / {MiB(Median(reps.Select(r => (double)r.LanceDb!.PeakBytes)))} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Peak working set (VmHWM, MiB, medians): the floor's process, the session's process (coordinator), its largest worker.");
        Console.WriteLine();
        Console.WriteLine("| rows | floor | session | worker (largest) | workers |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var (rows, reps) in all)
        {
            Console.WriteLine($"| {rows:N0} | {MiB(Median(reps.Select(r => (double)r.Floor.PeakBytes)))} | {MiB(Median(reps.Select(r => (double)r.Session.PeakBytes)))} | " +
                              $"{MiB(Median(reps.Select(r => (double)(r.Session.WorkerPeaks?.Values.DefaultIfEmpty().Max() ?? 0))))} | " +
                              $"{reps[0].Session.Passes[0].Workers} |");
        }

        Console.WriteLine();
        Console.WriteLine("Bytes written by a backfill (first backfill of each session, medians), MiB, and per byte of the output column's Lance data:");
        Console.WriteLine();
        Console.WriteLine("| rows | output column (Lance) | checkpoints (IPC) | manifests | transactions | SQLite (growth) | other | total | total / output | /proc write_bytes (session + workers) | / output | floor's file |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (rows, reps) in all)
        {
            double M(Func<Pass, long> f) => Median(reps.Select(r => (double)f(r.Session.Passes[0])));
            var output = M(p => p.OutputBytes);
            var total = M(p => p.OutputBytes + p.CheckpointBytes + p.ManifestBytes + p.TransactionBytes + p.SqliteBytes + p.OtherBytes);
            var io = M(p => p.IoWriteBytes);
            Console.WriteLine($"| {rows:N0} | {MiB(output)} | {MiB(M(p => p.CheckpointBytes))} | {MiB(M(p => p.ManifestBytes))} | {MiB(M(p => p.TransactionBytes))} | " +
                              $"{MiB(M(p => p.SqliteBytes))} | {MiB(M(p => p.OtherBytes))} | {MiB(total)} | **{total / output:F2}** | {MiB(io)} | {io / output:F2} | " +
                              $"{MiB(Median(reps.Select(r => (double)r.Floor.BytesWritten)))} |");
        }

        Console.WriteLine();
        Console.WriteLine("Where the time goes (medians, seconds):");
        foreach (var (rows, reps) in all)
        {
            var floor = reps.SelectMany(r => r.Floor.Passes.Skip(1)).ToList();
            Console.WriteLine($"  {rows,11:N0} floor first        CPU {F(Median(reps.Select(r => r.Floor.Passes[0].CpuSeconds)))}");
            Console.WriteLine($"  {rows,11:N0} floor warm         CPU {F(Median(floor.Select(p => p.CpuSeconds)))}  read {F(Median(floor.Select(p => p.ReadSeconds)))}  compute {F(Median(floor.Select(p => p.ComputeSeconds)))}  " +
                              $"write {F(Median(floor.Select(p => p.WriteSeconds)))}  allocated {MiB(Median(floor.Select(p => (double)p.AllocatedBytes)))} MiB");
            foreach (var (label, passes) in new[]
                     {
                         ("backfill first", reps.Select(r => r.Session.Passes[0]).ToList()),
                         ("backfill warm", reps.SelectMany(r => r.Session.Passes.Skip(1)).ToList()),
                     })
            {
                double Med(Func<Pass, double> f) => Median(passes.Select(f));
                Console.WriteLine($"  {rows,11:N0} {label,-18} CPU {F(Med(p => p.CpuSeconds))} (session + workers)  add-column {F(Med(p => p.AddColumnSeconds))}  plan+job {F(Med(p => p.PlanSeconds))}  " +
                                  $"1st checkpoint {F(Med(p => p.FirstCheckpointSeconds))}  UDF {F(Med(p => p.UdfSeconds))} (summed over workers)  " +
                                  $"runner read+write {F(Med(p => p.RunnerOtherSeconds))} (summed)  last receipt->committed {F(Med(p => p.CommitSeconds))}  " +
                                  $"finish {F(Med(p => p.FinishSeconds))}  checkpoints {Med(p => p.Checkpoints):F0}  workers {passes[0].Workers}  " +
                                  $"allocated (session) {MiB(Med(p => p.AllocatedBytes))} MiB");
            }
        }
        foreach (var (rows, m) in profiles)
        {
            Console.WriteLine();
            Console.WriteLine($"  {rows,11:N0} profile of the pieces (one process, second pass of each, seconds; bytes in MiB):");
            foreach (var (part, value) in m.Parts!)
            {
                Console.WriteLine($"      {part,-96} {value,9:F3}");
            }
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
