using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Geneva.Core.Arrow;
using Geneva.Core.Checkpoints;

namespace Geneva.Core.Execution;

public sealed partial class TaskRunner
{
    /// <summary>
    /// Runs a probe task: the UDF on the rows <see cref="TaskSpec.ProbeRows"/> names (those inside the task's
    /// range, so a task re-sent after a worker died continues where it stopped), in UDF calls of the sizer's
    /// size, each call's values sent back in its receipt rather than written: a probe leaves the table
    /// folder as it was. The receipt's range is that of the call's rows, its UDF seconds the call's alone
    /// (reading and gathering the inputs are its write seconds).
    /// </summary>
    private IEnumerable<CheckpointReceipt> Probe(TaskSpec task, CancellationToken cancel)
    {
        var fragment = _table.Manifest.Fragments.FirstOrDefault(f => f.Id == task.FragmentId)
            ?? throw new GenevaException(GenevaErrorCode.CommitConflict,
                $"Fragment {task.FragmentId} is not in version {_table.Version} of '{_table.Path}'.", task.FragmentId);
        var end = task.Offset + task.RowCount;
        var rows = task.ProbeRows!.Where(r => r >= task.Offset && r < end && r < fragment.RowCount).Distinct().Order().ToArray();
        var reader = ReaderFor(fragment);
        for (var next = 0; next < rows.Length;)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(Math.Max(1, Sizer.Current), rows.Length - next);
            var chunk = rows.AsSpan(next, count).ToArray();
            next += count;

            var gather = Stopwatch.StartNew();
            var (input, owned) = Gather(reader, chunk);
            gather.Stop();
            var errors = new List<RowError>();
            var udfClock = Stopwatch.StartNew();
            using var output = _applier.Apply(input, task.JobId, task.FragmentId, i => chunk[i], errors, cancel);
            udfClock.Stop();
            if (owned)
            {
                input.Dispose();
            }
            Sizer.Record(count, udfClock.Elapsed);

            var values = Serialize(output);
            yield return new CheckpointReceipt(task.FragmentKey, task.FragmentId, chunk[0], chunk[^1] + 1 - chunk[0], count, "",
                values.Length, "", count, udfClock.Elapsed.TotalSeconds, gather.Elapsed.TotalSeconds, errors,
                BatchSize: _applier.BatchSize, RowsWithValues: output.Length - output.NullCount, Values: values);
        }
    }

    /// <summary>
    /// The UDF's input columns at <paramref name="rows"/> (ascending): a run of consecutive rows is one
    /// read, borrowed from the reader (a backfill's zero-copy path, so its speed is measured); scattered rows
    /// are taken from the reads of the grid pieces that hold them, into a batch the caller owns.
    /// </summary>
    private (RecordBatch Batch, bool Owned) Gather(Storage.FragmentReader reader, int[] rows)
    {
        var schema = new Schema(_inputs.Select(f => new Field(f.Name, ArrowTypeNames.Parse(f.Type), true)), null);
        if (rows[^1] - rows[0] + 1 == rows.Length)
        {
            return (reader.Read(_inputs, rows[0], rows.Length), false);
        }
        var grid = Math.Max(1, reader.BatchGrid(_inputs[0]));
        var pieces = new List<RecordBatch>();
        for (var i = 0; i < rows.Length;)
        {
            var start = rows[i] / grid * grid;
            var length = Math.Min(grid, reader.Fragment.RowCount - start);
            var indices = new List<int>();
            while (i < rows.Length && rows[i] < start + length)
            {
                indices.Add(rows[i++] - start);
            }
            pieces.Add(ArrowSelection.Take(reader.Read(_inputs, start, length), indices));
        }
        if (pieces.Count == 1)
        {
            return (pieces[0], true);
        }
        var columns = Enumerable.Range(0, schema.FieldsList.Count)
            .Select(c => ArrowArrayConcatenator.Concatenate(pieces.Select(p => p.Column(c)).ToList())!).ToList();
        pieces.ForEach(p => p.Dispose());
        return (new RecordBatch(schema, columns, rows.Length), true);
    }

    private Schema? _probeSchema;

    private byte[] Serialize(IArrowArray values)
    {
        _probeSchema ??= new Schema([_outputField], null);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, _probeSchema, leaveOpen: true))
        {
            writer.WriteRecordBatch(new RecordBatch(_probeSchema, [values], values.Length));
            writer.WriteEnd();
        }
        return stream.ToArray();
    }
}
