using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Types;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Expressions;
using Geneva.Core.Planning;
using Geneva.Core.Storage;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Udfs;
using Geneva.TestUdfs;

namespace Geneva.Bench;

/// <summary>
/// Stopwatch splits of the pieces a backfill is made of, each over the whole table, run twice in one
/// process and timed the second time (JIT excluded), next to the floor's equivalents. Also the two ways
/// to turn a fragment's checkpoints into its Lance data file: (a) what the commit does now (decode the
/// IPC checkpoints, encode Lance pages: <c>FragmentCommitter.FileFromCheckpoints</c> through
/// <c>CheckpointFiles.CopyInto</c>) and (b) a byte copy (what concatenating pre-encoded pages would cost).
/// </summary>
internal static class Profiler
{
    private const int Task = BackfillSettings.DefaultCheckpointSize;
    private const int Batch = TableWriteOptions.DefaultBatchRows;

    public static Measurement Run(string dir)
    {
        var table = GenevaTable.Open(dir);
        var text = table.Manifest.GetField("text");
        var inSchema = new Schema([new Field("text", StringType.Default, true)], null);
        var outField = new Field("tlen", Int32Type.Default, true);
        var outSchema = new Schema([outField], null);
        var nextId = 100;
        var lanceFields = LanceSchema.FromArrow(outField, ref nextId);
        var udf = new StringLength();
        var expression = new ExpressionUdf(SqlExpression.Parse("length(text)"), "int32");
        var parts = new Dictionary<string, double>();
        var inputs = new List<(int Fragment, IArrowArray Text)>();
        var outputs = new List<(int Fragment, Int32Array Lengths)>();
        var scratch = Path.Combine(dir, "profile");
        Directory.CreateDirectory(scratch);

        void Time(string name, Action action)
        {
            action();
            var clock = Stopwatch.StartNew();
            action();
            parts[name] = clock.Elapsed.TotalSeconds;
        }

        Time($"read: floor (LanceFileReader.Read per {Batch:N0} rows)", () =>
        {
            foreach (var i in inputs)
            {
                i.Text.Dispose();
            }
            inputs.Clear();
            foreach (var fragment in table.Manifest.Fragments)
            {
                foreach (var file in fragment.FilesFor(text.Id))
                {
                    using var reader = LanceFileReader.Open(Path.Combine(dir, file.Path));
                    for (long p = 0; p < reader.RowCount; p += Batch)
                    {
                        inputs.Add((fragment.Id, reader.Read(text.Id, p, (int)Math.Min(Batch, reader.RowCount - p))));
                    }
                }
            }
        });
        Time($"read: engine (new FragmentReader per {Task:N0}-row task, Read per batch grid)", () =>
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
        Time("read: GenevaTable.Scan([text]) (Read-GenevaTable -Column text -AsArrow)", () =>
        {
            foreach (var batch in GenevaTable.Open(dir).Scan(["text"]))
            {
                batch.Dispose();
            }
        });
        Time("compute: floor (StringLength.Apply per batch)", () =>
        {
            foreach (var o in outputs)
            {
                o.Lengths.Dispose();
            }
            outputs.Clear();
            foreach (var (fragment, column) in inputs)
            {
                outputs.Add((fragment, (Int32Array)udf.Apply(new RecordBatch(inSchema, [column], column.Length))));
            }
        });
        Time("compute: backfill (ExpressionUdf length(text) per batch)", () =>
        {
            foreach (var (_, column) in inputs)
            {
                expression.Apply(new RecordBatch(inSchema, [column], column.Length)).Dispose();
            }
        });
        var floorFile = Path.Combine(scratch, "floor.lance");
        Time("write: floor (one LanceFileWriter file, no fsync)", () =>
        {
            using var stream = new FileStream(floorFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            using var writer = new LanceFileWriter(stream, outSchema, lanceFields);
            foreach (var (_, o) in outputs)
            {
                writer.Write(new RecordBatch(outSchema, [o], o.Length));
            }
            writer.Finish();
        });
        parts["bytes: floor's Lance file (MiB)"] = new FileInfo(floorFile).Length / 1048576.0;

        // Checkpoints as the workers write them: one IPC file per 131,072 rows of a fragment.
        var receipts = new List<CheckpointReceipt>();
        Time($"write: checkpoints (CheckpointFileWriter, one per {Task:N0} rows: IPC, xxhash3, fsync, rename)", () =>
        {
            receipts.Clear();
            foreach (var group in outputs.GroupBy(o => o.Fragment))
            {
                var start = 0;
                foreach (var chunk in group.Chunk(Task / Batch))
                {
                    var count = chunk.Sum(c => c.Lengths.Length);
                    var key = $"f{group.Key}";
                    var relative = CheckpointFileWriter.RelativePath(key, start, count);
                    using var writer = new CheckpointFileWriter(dir, relative, outField);
                    foreach (var (_, piece) in chunk)
                    {
                        writer.Append(piece);
                    }
                    var (bytes, checksum) = writer.Seal();
                    writer.Publish();
                    receipts.Add(new CheckpointReceipt(key, group.Key, start, count, Batch, relative, bytes, checksum, count, 0, 0, []));
                    start += count;
                }
            }
        });
        parts["bytes: checkpoint files (MiB)"] = receipts.Sum(r => r.Bytes) / 1048576.0;
        // The same files without the durability: what the hash, fsyncs and renames cost.
        Time($"write: the same checkpoints as plain IPC files (ArrowFileWriter, no hash, no fsync, no rename)", () =>
        {
            foreach (var group in outputs.GroupBy(o => o.Fragment))
            {
                var c = 0;
                foreach (var chunk in group.Chunk(Task / Batch))
                {
                    using var stream = new FileStream(Path.Combine(scratch, $"plain-{group.Key}-{c++}.arrow"), FileMode.Create, FileAccess.Write,
                        FileShare.None, 1 << 16);
                    using var writer = new Apache.Arrow.Ipc.ArrowFileWriter(stream, outSchema, leaveOpen: true);
                    foreach (var (_, piece) in chunk)
                    {
                        writer.WriteRecordBatch(new RecordBatch(outSchema, [piece], piece.Length));
                    }
                    writer.WriteEnd();
                }
            }
        });

        var made = new List<string>();
        Time("commit (a) now: per fragment, DataFileWriter + CheckpointFiles.CopyInto (decode IPC, encode Lance, fsync)", () =>
        {
            foreach (var path in made)
            {
                File.Delete(Path.Combine(dir, path));
            }
            made.Clear();
            foreach (var group in receipts.GroupBy(r => r.FragmentId))
            {
                using var writer = new DataFileWriter(dir, DataFileWriter.NewDataFileName(), outSchema, lanceFields, LanceFileVersion.V2_1);
                foreach (var receipt in group.OrderBy(r => r.RowStart))
                {
                    CheckpointFiles.CopyInto(dir, receipt, writer);
                }
                made.Add(writer.Finish().Path);
            }
        });
        var lanceBytes = made.Sum(p => new FileInfo(Path.Combine(dir, p)).Length);
        parts["bytes: (a) fragment Lance files written (MiB)"] = lanceBytes / 1048576.0;
        parts["bytes: (a) checkpoint bytes read (MiB)"] = receipts.Sum(r => r.Bytes) / 1048576.0;

        Time("commit (b) byte copy of the same checkpoint bytes into one file per fragment (DurableFile, fsync)", () =>
        {
            foreach (var group in receipts.GroupBy(r => r.FragmentId))
            {
                using var file = new DurableFile(Path.Combine(scratch, $"copy-{group.Key}.bin"), 1 << 16);
                foreach (var receipt in group.OrderBy(r => r.RowStart))
                {
                    using var source = new FileStream(Path.Combine(dir, receipt.File), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    source.CopyTo(file.Stream);
                }
                file.PublishReplacing();
            }
        });
        // Pre-encoded pages: pieces whose bytes are the final Lance file's, concatenated (the pieces cut from (a)'s output).
        var pieces = new List<(int Fragment, string Path)>();
        foreach (var (path, index) in made.Select((p, i) => (p, i)))
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, path));
            var count = receipts.Count(r => r.FragmentId == receipts.Select(x => x.FragmentId).Distinct().ElementAt(index));
            var size = (bytes.Length + count - 1) / count;
            for (var c = 0; c < count; c++)
            {
                var piece = Path.Combine(scratch, $"page-{index}-{c}.bin");
                File.WriteAllBytes(piece, bytes.AsSpan(Math.Min(bytes.Length, c * size), Math.Max(0, Math.Min(size, bytes.Length - c * size))).ToArray());
                pieces.Add((index, piece));
            }
        }
        Time("commit (b') byte copy of pre-encoded Lance pages (the same bytes as (a)'s output, in checkpoint-sized pieces)", () =>
        {
            foreach (var group in pieces.GroupBy(p => p.Fragment))
            {
                using var file = new DurableFile(Path.Combine(scratch, $"pages-{group.Key}.lance"), 1 << 16);
                foreach (var (_, piece) in group)
                {
                    using var source = new FileStream(piece, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    source.CopyTo(file.Stream);
                }
                file.PublishReplacing();
            }
        });

        // The same two ways for a utf8 column (the input's text as if it were the output): is re-encoding dearer there?
        var textField = new Field("text", StringType.Default, true);
        var textSchema = new Schema([textField], null);
        var textId = 200;
        var textLance = LanceSchema.FromArrow(textField, ref textId);
        var textReceipts = new List<CheckpointReceipt>();
        foreach (var group in inputs.GroupBy(o => o.Fragment))
        {
            var start = 0;
            foreach (var chunk in group.Chunk(Task / Batch))
            {
                var count = chunk.Sum(c => c.Text.Length);
                var key = $"t{group.Key}";
                var relative = CheckpointFileWriter.RelativePath(key, start, count);
                using var writer = new CheckpointFileWriter(dir, relative, textField);
                foreach (var (_, piece) in chunk)
                {
                    writer.Append(piece);
                }
                var (bytes, checksum) = writer.Seal();
                writer.Publish();
                textReceipts.Add(new CheckpointReceipt(key, group.Key, start, count, Batch, relative, bytes, checksum, count, 0, 0, []));
                start += count;
            }
        }
        parts["bytes: utf8 checkpoint files (MiB)"] = textReceipts.Sum(r => r.Bytes) / 1048576.0;
        var textMade = new List<string>();
        Time("utf8 commit (a): DataFileWriter + CheckpointFiles.CopyInto per fragment", () =>
        {
            foreach (var path in textMade)
            {
                File.Delete(Path.Combine(dir, path));
            }
            textMade.Clear();
            foreach (var group in textReceipts.GroupBy(r => r.FragmentId))
            {
                using var writer = new DataFileWriter(dir, DataFileWriter.NewDataFileName(), textSchema, textLance, LanceFileVersion.V2_1);
                foreach (var receipt in group.OrderBy(r => r.RowStart))
                {
                    CheckpointFiles.CopyInto(dir, receipt, writer);
                }
                textMade.Add(writer.Finish().Path);
            }
        });
        parts["bytes: utf8 (a) Lance files (MiB)"] = textMade.Sum(p => new FileInfo(Path.Combine(dir, p)).Length) / 1048576.0;
        Time("utf8 commit (b): byte copy of the same checkpoint bytes into one durable file per fragment", () =>
        {
            foreach (var group in textReceipts.GroupBy(r => r.FragmentId))
            {
                using var file = new DurableFile(Path.Combine(scratch, $"tcopy-{group.Key}.bin"), 1 << 16);
                foreach (var receipt in group.OrderBy(r => r.RowStart))
                {
                    using var source = new FileStream(Path.Combine(dir, receipt.File), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    source.CopyTo(file.Stream);
                }
                file.PublishReplacing();
            }
        });
        Time("utf8 commit (b'): byte copy of (a)'s Lance bytes", () =>
        {
            foreach (var (path, index) in textMade.Select((p, i) => (p, i)))
            {
                using var file = new DurableFile(Path.Combine(scratch, $"tpages-{index}.lance"), 1 << 16);
                using var source = new FileStream(Path.Combine(dir, path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                source.CopyTo(file.Stream);
                file.PublishReplacing();
            }
        });
        foreach (var path in textMade)
        {
            File.Delete(Path.Combine(dir, path));
        }

        // SQLite: one receipt transaction per checkpoint, as the coordinator records them.
        var job = 0;
        Time($"sqlite: CheckpointStore.Record x {receipts.Count} (one transaction each)", () =>
        {
            using var store = CheckpointStore.Open(dir);
            var id = $"profile-{job++}";
            store.CreateJob(new JobRecord
            {
                JobId = id, Column = "tlen", UdfName = "tlen", UdfVersion = "1", Status = JobStatus.Running,
                Request = new BackfillRequest { Column = "tlen" }, TableVersion = 1, CreatedAt = DateTimeOffset.UtcNow,
            });
            foreach (var r in receipts)
            {
                store.Record(id, r with { FragmentKey = $"{r.FragmentKey}-{id}" });
            }
        });
        var n = 0;
        Time("manifest: GenevaTable.AddColumn (one version: manifest + transaction)", () =>
        {
            table = table.AddColumn($"extra{n++}", "int32", null);
        });
        Directory.Delete(scratch, true);
        foreach (var path in made)
        {
            File.Delete(Path.Combine(dir, path));
        }
        return new Measurement { Kind = "profile", Rows = table.Manifest.RowCount, Parts = parts, Verified = true };
    }
}
