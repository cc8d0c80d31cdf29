using System.Globalization;

namespace Geneva.Bench;

internal sealed class BenchOptions
{
    public List<long> Rows { get; } = [];
    public bool Keep { get; set; }
    public int Repeats { get; set; } = 3;
    /// <summary>Backfills on warm pooled workers after the first one, in each session process.</summary>
    public int WarmRuns { get; set; } = 2;
    public string Work { get; set; } = Path.Combine(Path.GetTempPath(), "geneva-bench");
    public string? Child { get; set; }
    public List<string> Dirs { get; } = [];
    public long T0 { get; set; }
    public bool Profile { get; set; }
    public bool LanceDb { get; set; } = true;
    public bool Scaling { get; set; }
    public string? Only { get; set; }
    /// <summary>NAME=VALUE set in the session processes (so in their workers too), for experiments.</summary>
    public List<string> SessionEnv { get; } = [];
    /// <summary>NAME=VALUE set in the session's workers only (not the session process), for experiments.</summary>
    public List<string> WorkerEnv { get; } = [];
    /// <summary>Another Geneva.Worker.dll for the session's workers (e.g. a ReadyToRun publish), for experiments.</summary>
    public string? WorkerDll { get; set; }
    /// <summary>A fixed checkpoint size for the session's backfills (CheckpointSize = Min = Max), for experiments.</summary>
    public int? CheckpointSize { get; set; }
    /// <summary>Run the session's UDFs in its own process (InProcessTaskExecutor) instead of workers, for experiments.</summary>
    public bool InProcess { get; set; }
    /// <summary>Input tables: "geneva" (GenevaTable.Create, the default) or "lancedb" (LanceDB's createTable, bench/lancedb-make.mjs).</summary>
    public string Input { get; set; } = "geneva";

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
                case "--profile":
                    o.Profile = true;
                    break;
                case "--no-lancedb":
                    o.LanceDb = false;
                    break;
                case "--keep":
                    o.Keep = true;
                    break;
                case "--warm-runs":
                    o.WarmRuns = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--session-env":
                    o.SessionEnv.Add(Next());
                    break;
                case "--worker-env":
                    o.WorkerEnv.Add(Next());
                    break;
                case "--worker-dll":
                    o.WorkerDll = Path.GetFullPath(Next());
                    break;
                case "--checkpoint-size":
                    o.CheckpointSize = (int)ParseCount(Next());
                    break;
                case "--in-process":
                    o.InProcess = true;
                    break;
                case "--input":
                    o.Input = Next();
                    if (o.Input is not ("geneva" or "lancedb"))
                    {
                        throw new ArgumentException("--input is geneva or lancedb");
                    }
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
                    o.Dirs.Add(Next());
                    break;
                case "--t0":
                    o.T0 = long.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --rows N[,N] [--repeat 3] [--warm-runs 2] [--profile] " +
                                                "[--no-lancedb] [--session-env NAME=VALUE] [--worker-env NAME=VALUE] [--worker-dll PATH] [--checkpoint-size N] [--in-process] [--input geneva|lancedb] [--work DIR] [--keep] | --scaling [--only floor|cpu|io] [--repeat 3]");
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
