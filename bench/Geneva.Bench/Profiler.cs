using System.Diagnostics;
using System.IO.Hashing;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Udfs;
using Geneva.TestUdfs;

namespace Geneva.Bench;

/// <summary>
/// Stopwatch splits of the pieces a backfill is made of, each over the whole table, run twice in
/// one process and timed the second time (JIT excluded), next to the baseline's equivalents.
/// The engine's internal classes are mirrored where they are not public (the checkpoint writer).
/// </summary>
internal static class Profiler
{
    private const int Task = BackfillSettings.DefaultCheckpointSize;

    public static Measurement Run(string dir)
    {
        var table = GenevaTable.Open(dir);
        var text = table.Manifest.GetField("text");
        var inSchema = new Schema([new Field("text", StringType.Default, true)], null);
        var outField = new Field("len", Int32Type.Default, true);
        var outSchema = new Schema([outField], null);
        var udf = new StringLength();
        var spec = DotNetUdfLoader.Describe(typeof(StringLength).Assembly.Location, typeof(StringLength).FullName);
        var applier = new UdfApplier(spec, udf);
        var parts = new Dictionary<string, double>();
        var outputs = new List<Int32Array>();
        var scratch = Path.Combine(dir, "profile");
        Directory.CreateDirectory(scratch);

        void Time(string name, Action action)
        {
            action();
            var clock = Stopwatch.StartNew();
            action();
            parts[name] = clock.Elapsed.TotalSeconds;
        }

        Time("read: baseline (ArrowFileReader.ReadNextRecordBatch per file)", () =>
        {
            foreach (var file in table.Manifest.Fragments.SelectMany(f => f.FilesFor(text.Id)))
            {
                using var stream = new FileStream(Path.Combine(dir, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                using var reader = new ArrowFileReader(stream);
                while (reader.ReadNextRecordBatch() is { } batch)
                {
                    batch.Dispose();
                }
            }
        });
        Time($"read: engine (new FragmentReader per {Task}-row task, Read per batch)", () =>
        {
            foreach (var fragment in table.Manifest.Fragments)
            {
                for (var t = 0; t < fragment.RowCount; t += Task)
                {
                    using var reader = new FragmentReader(dir, fragment);
                    var grid = reader.BatchGrid(text);
                    for (var p = t; p < Math.Min(fragment.RowCount, t + Task); p += grid)
                    {
                        reader.Read([text], p, Math.Min(grid, fragment.RowCount - p));
                    }
                }
            }
        });
        Time("read: engine (one FragmentReader per fragment)", () =>
        {
            foreach (var fragment in table.Manifest.Fragments)
            {
                using var reader = new FragmentReader(dir, fragment);
                var grid = reader.BatchGrid(text);
                for (var p = 0; p < fragment.RowCount; p += grid)
                {
                    reader.Read([text], p, Math.Min(grid, fragment.RowCount - p));
                }
            }
        });
        Time("read+UDF: baseline (StringLength.Apply per batch)", () =>
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
            outputs.Clear();
            foreach (var file in table.Manifest.Fragments.SelectMany(f => f.FilesFor(text.Id)))
            {
                using var stream = new FileStream(Path.Combine(dir, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                using var reader = new ArrowFileReader(stream);
                while (reader.ReadNextRecordBatch() is { } batch)
                {
                    outputs.Add((Int32Array)udf.Apply(new RecordBatch(inSchema, [batch.Column(0)], batch.Length)));
                    batch.Dispose();
                }
            }
        });
        Time("read+UDF: through UdfApplier.Apply (output validation)", () =>
        {
            var errors = new List<RowError>();
            foreach (var file in table.Manifest.Fragments.SelectMany(f => f.FilesFor(text.Id)))
            {
                using var stream = new FileStream(Path.Combine(dir, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                using var reader = new ArrowFileReader(stream);
                while (reader.ReadNextRecordBatch() is { } batch)
                {
                    applier.Apply(new RecordBatch(inSchema, [batch.Column(0)], batch.Length), "job", 0, i => i, errors, default)
                        .Dispose();
                    batch.Dispose();
                }
            }
        });
        Time("write: baseline (one ArrowFileWriter file)", () =>
        {
            var path = Path.Combine(scratch, "one.arrow");
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            using var writer = new ArrowFileWriter(stream, outSchema, leaveOpen: true);
            foreach (var o in outputs)
            {
                writer.WriteRecordBatch(new RecordBatch(outSchema, [o], o.Length));
            }
            writer.WriteEnd();
        });
        var perFile = Task / TableWriteOptions.DefaultBatchRows;
        void Checkpoints(bool hash, bool rename, string tag)
        {
            for (var i = 0; i < outputs.Count; i += perFile)
            {
                var final = Path.Combine(scratch, $"{tag}-{i}.arrow");
                var temp = rename ? final + $".tmp-{Guid.NewGuid():N}" : final;
                Directory.CreateDirectory(scratch);
                using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    Stream target = hash ? new HashingStream(file) : file;
                    using (var writer = new ArrowFileWriter(target, outSchema, leaveOpen: true))
                    {
                        foreach (var o in outputs.Skip(i).Take(perFile))
                        {
                            writer.WriteRecordBatch(new RecordBatch(outSchema, [o], o.Length));
                        }
                        writer.WriteEnd();
                    }
                    file.Flush();
                    if (target is HashingStream h)
                    {
                        _ = h.Checksum;
                    }
                }
                if (rename)
                {
                    File.Move(temp, final, overwrite: true);
                }
            }
        }
        Time($"write: one file per {Task} rows, plain", () => Checkpoints(false, false, "plain"));
        Time($"write: one file per {Task} rows, xxhash3 + temp name + rename (as CheckpointFileWriter)", () => Checkpoints(true, true, "ck"));

        // SQLite: one receipt transaction per checkpoint, as the coordinator records them.
        var checkpoints = (int)Math.Ceiling(table.Manifest.RowCount / (double)Task);
        var job = 0;
        Time($"sqlite: CheckpointStore.Record x {checkpoints} (one transaction each)", () =>
        {
            using var store = CheckpointStore.Open(dir);
            var id = $"profile-{job++}";
            store.CreateJob(new JobRecord
            {
                JobId = id, Column = "len", UdfName = "strlen", UdfVersion = "1", Status = JobStatus.Running,
                Request = new BackfillRequest { Column = "len" }, TableVersion = 1, CreatedAt = DateTimeOffset.UtcNow,
            });
            for (var i = 0; i < checkpoints; i++)
            {
                store.Record(id, new CheckpointReceipt($"key-{id}", 0, i * Task, Task, 65536, $"data/ck/x-{i}.arrow", 524_000,
                    "0123456789abcdef", Task, 0.01, 0.01, []));
            }
        });
        var n = 0;
        Time("manifest: GenevaTable.Commit (one version, e.g. AddColumn)", () =>
        {
            table = table.AddColumn($"extra{n++}", "int32", null);
        });
        Directory.Delete(scratch, true);
        return new Measurement { Scenario = "profile", Rows = table.Manifest.RowCount, Parts = parts, Verified = true };
    }
}
