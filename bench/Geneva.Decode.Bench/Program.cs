using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Decode.Bench;

// Decode throughput of a Lance dataset's data files through Geneva's readers, whatever their encodings:
// per column and page encoding, Arrow MB/s out and stored MB/s in, next to the raw read rate of the same files.
//   dotnet run -c Release --project bench/Geneva.Decode.Bench -- <dataset.lance> [--column c] [--repeat 5]
//   dotnet run -c Release --project bench/Geneva.Decode.Bench -- --unpack      (FastLanes unpacking alone, vector vs scalar)
var args2 = args.ToList();
if (args2.Count == 1 && args2[0] == "--unpack")
{
    UnpackBench.Run();
    return 0;
}
if (args2.Count == 0 || args2[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: Geneva.Decode.Bench <dataset.lance> [--column name] [--repeat N] | --unpack");
    return 2;
}
var dataset = Path.GetFullPath(args2[0]);
string? only = null;
var repeat = 5;
for (var i = 1; i < args2.Count; i++)
{
    switch (args2[i])
    {
        case "--column" when i + 1 < args2.Count:
            only = args2[++i];
            break;
        case "--repeat" when i + 1 < args2.Count:
            repeat = Math.Max(1, int.Parse(args2[++i], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args2[i]}");
            return 2;
    }
}

var manifest = LanceManifestFile.Read(LanceVersions.ManifestPath(dataset, LanceVersions.Latest(dataset))).Manifest;
var names = manifest.Fields.Where(f => f.ParentId == -1).ToDictionary(f => f.Id, f => f.Name);
var files = manifest.Fragments.SelectMany(f => f.Files).Select(d => (Path: Path.Combine(dataset, "data", d.Path), Version: (d.FileMajorVersion, d.FileMinorVersion))).ToList();
Console.WriteLine($"{dataset}: version {manifest.Version}, {manifest.Fragments.Count} fragments, {files.Count} data files, " +
                  $"{files.Sum(f => new FileInfo(f.Path).Length) / 1e6:F1} MB; {Environment.ProcessorCount} cores, " +
                  $"vectors {(System.Numerics.Vector.IsHardwareAccelerated ? System.Numerics.Vector<byte>.Count * 8 + "-bit" : "off")}");

// The raw read rate of the same files, page cache warm: what a decoder that only copied bytes would get.
var buffer = new byte[1 << 20];
var diskSeconds = new List<double>();
long diskBytes = 0;
for (var r = 0; r <= repeat; r++)
{
    var sw = Stopwatch.StartNew();
    long bytes = 0;
    foreach (var (path, _) in files)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes += n;
        }
    }
    if (r > 0)
    {
        diskSeconds.Add(sw.Elapsed.TotalSeconds);
    }
    diskBytes = bytes;
}

// Pages per file and column: (first row, rows, stored bytes, encoding). 2.0 files read as one range per column.
var totals = new SortedDictionary<(string Column, string Encoding), DecodeTotals>();
var plan = new List<(string Path, (uint, uint) Version, int FieldId, string Key, long Start, long Rows, ulong Stored)>();
foreach (var (path, version) in files)
{
    if (version is (2, 0) or (0, 3))
    {
        using var reader20 = LanceDataFiles.OpenReader(path, version);
        foreach (var id in manifest.Fragments.SelectMany(f => f.Files).First(d => Path.Combine(dataset, "data", d.Path) == path).Fields)
        {
            if (names.TryGetValue(id, out var name) && (only is null || only == name))
            {
                plan.Add((path, version, id, "(2.0 file)", 0, reader20.RowCount, 0));
            }
        }
        continue;
    }
    long row = 0;
    string? column = null;
    foreach (var page in LancePageEncodings.Read(path))
    {
        if (page.Column != column)
        {
            column = page.Column;
            row = 0;
        }
        if (only is null || only == page.Column)
        {
            plan.Add((path, version, page.FieldId, page.Encoding, row, page.Rows, page.Bytes));
        }
        row += page.Rows;
    }
}

for (var r = 0; r <= repeat; r++)
{
    var time = new Dictionary<(string, string), double>();
    foreach (var group in plan.GroupBy(p => p.Path))
    {
        using var reader = LanceDataFiles.OpenReader(group.Key, group.First().Version);
        foreach (var p in group)
        {
            var key = (names.GetValueOrDefault(p.FieldId, $"field {p.FieldId}"), p.Key);
            var sw = Stopwatch.StartNew();
            long arrowBytes = 0;
            for (var start = p.Start; start < p.Start + p.Rows; start += 1 << 20)
            {
                using var array = reader.Read(p.FieldId, start, (int)Math.Min(1 << 20, p.Start + p.Rows - start));
                arrowBytes += ArrowBytes(array.Data);
            }
            var seconds = sw.Elapsed.TotalSeconds;
            time[key] = time.GetValueOrDefault(key) + seconds;
            if (r == 0)
            {
                // The first pass warms the page cache and the JIT, and counts.
                if (!totals.TryGetValue(key, out var t))
                {
                    totals[key] = t = new DecodeTotals();
                }
                t.Rows += p.Rows;
                t.Pages++;
                t.StoredBytes += p.Stored;
                t.ArrowBytes += arrowBytes;
            }
        }
    }
    if (r > 0)
    {
        foreach (var (key, seconds) in time)
        {
            totals[key].Seconds.Add(seconds);
        }
    }
}

Console.WriteLine($"raw read of the files: {diskBytes / 1e6:F1} MB, best {diskSeconds.Min():F3} s = {diskBytes / 1e6 / diskSeconds.Min():F0} MB/s (median {diskBytes / 1e6 / Median(diskSeconds):F0} MB/s)");
Console.WriteLine($"{"column",-14} {"page encoding",-62} {"rows",12} {"pages",6} {"stored MB",10} {"arrow MB",10} {"best s",8} {"arrow MB/s",11} {"stored MB/s",12}");
foreach (var ((column, encoding), t) in totals)
{
    var best = t.Seconds.Min();
    Console.WriteLine($"{column,-14} {encoding,-62} {t.Rows,12:N0} {t.Pages,6} {t.StoredBytes / 1e6,10:F1} {t.ArrowBytes / 1e6,10:F1} {best,8:F3} " +
                      $"{t.ArrowBytes / 1e6 / best,11:F0} {(t.StoredBytes == 0 ? "n/a" : (t.StoredBytes / 1e6 / best).ToString("F0", CultureInfo.InvariantCulture)),12}");
}
return 0;

static long ArrowBytes(ArrayData data) => data.Buffers.Sum(b => (long)b.Length) + (data.Children ?? []).Sum(ArrowBytes);

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
