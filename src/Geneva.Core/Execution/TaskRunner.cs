using System.Diagnostics;
using Apache.Arrow;
using Geneva.Core.Arrow;
using Geneva.Core.Checkpoints;
using Geneva.Core.Expressions;
using Geneva.Core.Planning;
using Geneva.Core.Storage;

namespace Geneva.Core.Execution;

/// <summary>
/// The worker side of a backfill: runs tasks of one UDF instance against one pinned table
/// version, cutting each task into checkpoints sized by its <see cref="AdaptiveCheckpointSizer"/>,
/// reading inputs straight from the table files and writing each checkpoint's output file.
/// When a task computes only some rows (Filter, Remaining and Nulls modes), checkpoint sizes count
/// the rows computed and the other rows are copied from the column's current values.
/// It yields receipts and writes no database: a receipt counts once the coordinator records it.
/// </summary>
public sealed partial class TaskRunner : IDisposable
{
    private readonly GenevaTable _table;
    private readonly UdfApplier _applier;
    /// <summary>
    /// The filter the runner was made with, kept to save a parse: each task brings its own filter
    /// (<see cref="TaskSpec.Where"/>, the rows of its fragment to compute), which is what counts.
    /// </summary>
    private readonly SqlExpression? _where;
    private readonly SchemaField _target;
    private readonly Field _outputField;
    private readonly IReadOnlyList<SchemaField> _inputs;

    /// <summary>The last task's parsed filter, reused while tasks bring the same text.</summary>
    private SqlExpression? _selection;

    /// <summary>
    /// The last task's fragment reader, kept for the next task of the same fragment: its files stay open
    /// and their column metadata parsed (a fragment's tasks mostly follow one another on a worker).
    /// </summary>
    private FragmentReader? _reader;

    /// <summary>The device its UDF instance runs on, when the UDF chose one.</summary>
    public string? Device => _applier.Device;

    public TaskRunner(GenevaTable table, string column, UdfApplier applier, SqlExpression? where, AdaptiveCheckpointSizer sizer)
    {
        _table = table;
        _applier = applier;
        _where = where;
        Sizer = sizer;
        _target = table.Manifest.GetField(column);
        _outputField = new Field(_target.Name, ArrowTypeNames.Parse(_target.Type), true);
        _inputs = applier.Spec.InputColumns.Select(table.Manifest.GetField).ToList();
    }

    public AdaptiveCheckpointSizer Sizer { get; }

    public IEnumerable<CheckpointReceipt> Run(TaskSpec task, CancellationToken cancel)
    {
        if (task.ProbeRows is not null)
        {
            return Probe(task, cancel);
        }
        return RunTask(task, cancel);
    }

    private IEnumerable<CheckpointReceipt> RunTask(TaskSpec task, CancellationToken cancel)
    {
        if (task.Udf.BatchSize is int learned)
        {
            // The coordinator sends the smallest batch size any instance of this job has fallen back to.
            _applier.LimitBatchSize(learned);
        }
        var fragment = _table.Manifest.Fragments.FirstOrDefault(f => f.Id == task.FragmentId)
            ?? throw new GenevaException(GenevaErrorCode.CommitConflict,
                $"Fragment {task.FragmentId} is not in version {_table.Version} of '{_table.Path}'.", task.FragmentId);
        var selection = Selection(task);
        var merges = task.Mode is not (FragmentMode.All or FragmentMode.Stale);
        var readFields = _inputs.ToList();
        if (merges && !readFields.Contains(_target))
        {
            readFields.Add(_target);
        }
        var maskFields = selection?.Columns.Select(_table.Manifest.GetField).ToList() ?? (merges ? [_target] : []);
        readFields.AddRange(maskFields.Where(f => !readFields.Contains(f)).ToList());
        var reader = ReaderFor(fragment);
        var grid = Math.Max(1, reader.BatchGrid(readFields[0]));
        var end = task.Offset + task.RowCount;
        var mask = merges ? Mask(fragment, task, selection, maskFields, cancel) : null;
        if (LiveRows.In(reader.DeletedRows, task.Offset, task.RowCount) is { } live)
        {
            // Rows a Lance delete removed are never computed: they keep their place in the new file, as
            // the format asks, with the column's old value or null.
            var alive = new bool[task.RowCount];
            foreach (var i in live)
            {
                alive[i] = mask?[i] ?? true;
            }
            mask = alive;
            if (!readFields.Contains(_target))
            {
                readFields.Add(_target);
            }
        }
        var selected = mask is null ? null : Positions(mask, task.Offset);
        var next = 0; // index into selected of the first row at or after position
        var position = task.Offset;
        PendingCheckpoint? publishing = null;
        var finished = false;
        try
        {
            while (position < end)
            {
                cancel.ThrowIfCancellationRequested();
                var chunkEnd = selected is null
                    ? Snap(position, Math.Min(end, position + Sizer.Current), end, grid, position)
                    : SelectiveChunkEnd(selected, ref next, position, end, grid);
                var current = RunCheckpoint(task, reader, readFields, grid, position, chunkEnd - position, mask, cancel);
                if (publishing is not null)
                {
                    yield return publishing.Await();
                }
                publishing = current;
                if (current.Receipt.UdfSeconds >= ImmediateReceiptSeconds)
                {
                    // A slow checkpoint's receipt goes out now: waiting for the next one would put a
                    // second checkpoint's work at risk for an fsync that is small next to it.
                    publishing = null;
                    yield return current.Await();
                }
                position = chunkEnd;
            }
            if (publishing is not null)
            {
                var last = publishing;
                publishing = null;
                yield return last.Await();
            }
            finished = true;
        }
        finally
        {
            // Stopped or failed: the file being published has no receipt; it is collected as an orphan.
            publishing?.Abandon();
            if (!finished)
            {
                // Not kept after a failure: its state is unknown.
                DropReader();
            }
        }
    }

    /// <summary>
    /// The reader for a task of <paramref name="fragment"/>: the last task's when it read the same fragment (of the
    /// same pinned version), else a new one. Arrays of the last task's reads are released by this task's first read:
    /// the last task awaited all its checkpoint writes before it ended.
    /// </summary>
    private FragmentReader ReaderFor(FragmentEntry fragment)
    {
        if (_reader is not null && ReferenceEquals(_reader.Fragment, fragment))
        {
            return _reader;
        }
        DropReader();
        // The checkpoint writer writes each piece while the next is read and computed.
        return _reader = new FragmentReader(_table.Path, fragment) { KeepsPreviousRead = true };
    }

    private void DropReader()
    {
        _reader?.Dispose();
        _reader = null;
    }

    /// <summary>
    /// UDF seconds from which a checkpoint's receipt is sent as soon as its file is durable. Below
    /// it, the file's fsyncs (about 6 ms here) run while the next checkpoint computes, and its
    /// receipt follows that one's computation (10M cheap rows: 80 checkpoints, 0.45 s of fsyncs).
    /// </summary>
    internal const double ImmediateReceiptSeconds = 0.5;

    /// <summary>A checkpoint computed and sealed whose file is being made durable on a pool thread.</summary>
    private sealed class PendingCheckpoint(CheckpointReceipt receipt, Task publish)
    {
        public CheckpointReceipt Receipt => receipt;

        /// <summary>The receipt, once the file is durable under its name (a failure surfaces here).</summary>
        public CheckpointReceipt Await()
        {
            publish.GetAwaiter().GetResult();
            return receipt;
        }

        public void Abandon()
        {
            try
            {
                publish.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Nothing refers to the file; the failure that stopped the task is reported instead.
            }
        }
    }

    /// <summary>
    /// Adaptive sizes are soft: ending on the input's batch grid (the next boundary when starting off
    /// it, else the last one reached) keeps checkpoints aligned, so their inputs are zero-copy slices
    /// rather than concatenations (5x slower in bench/). The end stays after <paramref name="keep"/>,
    /// so the checkpoint keeps its first row to compute. Fixed sizes are kept exactly.
    /// </summary>
    private int Snap(int position, int chunkEnd, int end, int grid, int keep)
    {
        if (Sizer.IsFixed)
        {
            return chunkEnd;
        }
        var nextBoundary = ((position / grid) + 1) * grid;
        if (position % grid != 0 && chunkEnd > nextBoundary)
        {
            return nextBoundary;
        }
        var snapped = chunkEnd / grid * grid;
        return chunkEnd < end && snapped > keep ? snapped : chunkEnd;
    }

    /// <summary>
    /// Where a checkpoint from <paramref name="position"/> ends when only selected rows are computed.
    /// Its size counts rows computed: it ends after the Sizer.Current-th selected row (then snapped
    /// to the grid), and the rows that are only copied cost nothing: a run of them up to the next
    /// grid boundary or to the task's end joins this checkpoint rather than making one of its own.
    /// </summary>
    private int SelectiveChunkEnd(int[] selected, ref int next, int position, int end, int grid)
    {
        while (next < selected.Length && selected[next] < position)
        {
            next++;
        }
        if (next == selected.Length)
        {
            return end;
        }
        var last = next + Sizer.Current - 1;
        var chunkEnd = last < selected.Length ? Math.Min(end, selected[last] + 1) : end;
        chunkEnd = Snap(position, chunkEnd, end, grid, selected[next]);
        var following = next;
        while (following < selected.Length && selected[following] < chunkEnd)
        {
            following++;
        }
        if (following == selected.Length)
        {
            return end;
        }
        var boundary = Math.Min(end, (chunkEnd + grid - 1) / grid * grid);
        return !Sizer.IsFixed && selected[following] >= boundary ? boundary : chunkEnd;
    }

    /// <summary>The task's row filter for Filter and Remaining modes (parsed once per text); null otherwise.</summary>
    private SqlExpression? Selection(TaskSpec task)
    {
        if (task.Mode is not (FragmentMode.Filter or FragmentMode.Remaining))
        {
            return null;
        }
        var text = task.Where ?? throw new GenevaException(GenevaErrorCode.InvalidArgument,
            $"A {task.Mode} task of fragment {task.FragmentId} came without its filter.", task.FragmentId);
        if (_selection?.Text != text)
        {
            _selection = _where?.Text == text ? _where : SqlExpression.Parse(text);
        }
        return _selection;
    }

    /// <summary>Which rows of the task to compute: the selection's matches, or null rows in Nulls mode.</summary>
    private bool[] Mask(FragmentEntry fragment, TaskSpec task, SqlExpression? selection, IReadOnlyList<SchemaField> fields,
        CancellationToken cancel)
    {
        var mask = new bool[task.RowCount];
        if (fields.Count == 0)
        {
            var constant = selection!.EvaluateFilter(new RecordBatch(new Schema([], null), [], 1))[0];
            System.Array.Fill(mask, constant);
            return mask;
        }
        using var reader = new FragmentReader(_table.Path, fragment);
        var grid = Math.Max(1, reader.BatchGrid(fields[0]));
        for (var start = task.Offset; start < task.Offset + task.RowCount;)
        {
            cancel.ThrowIfCancellationRequested();
            var length = Math.Min(task.Offset + task.RowCount - start, ((start / grid) + 1) * grid - start);
            var batch = reader.Read(fields, start, length);
            if (selection is null)
            {
                var column = batch.Column(0);
                for (var i = 0; i < length; i++)
                {
                    mask[start - task.Offset + i] = column.IsNull(i);
                }
            }
            else
            {
                selection.EvaluateFilter(batch).CopyTo(mask, start - task.Offset);
            }
            start += length;
        }
        return mask;
    }

    /// <summary>Fragment offsets of the set entries of <paramref name="mask"/> (which starts at <paramref name="offset"/>).</summary>
    private static int[] Positions(bool[] mask, int offset)
    {
        var indices = ArrowSelection.Indices(mask);
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] += offset;
        }
        return indices;
    }

    /// <param name="mask">Rows of the task to compute (indexed from the task's offset); null computes every row.</param>
    private PendingCheckpoint RunCheckpoint(TaskSpec task, FragmentReader reader, IReadOnlyList<SchemaField> readFields,
        int grid, int start, int count, bool[]? mask, CancellationToken cancel)
    {
        var relative = CheckpointFileWriter.RelativePath(task.FragmentKey, start, count);
        var errors = new List<RowError>();
        var udfTime = TimeSpan.Zero;
        var computed = 0;
        var withValues = 0;
        var total = Stopwatch.StartNew();
        var targetIndex = readFields.ToList().IndexOf(_target);
        (long Bytes, string Checksum) written;
        var writer = new CheckpointFileWriter(_table.Path, relative, _outputField);
        try
        {
            var aligned = start % grid == 0;
            for (var pieceStart = start; pieceStart < start + count;)
            {
                // Aligned checkpoints go batch by batch (zero-copy input slices); an unaligned one is
                // one piece, read across batches, so its file has one batch and stays seekable.
                var pieceEnd = aligned ? Math.Min(start + count, pieceStart + grid) : start + count;
                var length = pieceEnd - pieceStart;
                int[]? indices = null;
                if (mask is not null)
                {
                    indices = ArrowSelection.Indices(mask[(pieceStart - task.Offset)..(pieceEnd - task.Offset)]);
                    if (indices.Length == 0)
                    {
                        // Nothing to compute here: copy the column's values, reading nothing else.
                        writer.Append(reader.Read([_target], pieceStart, length).Column(0));
                        pieceStart = pieceEnd;
                        continue;
                    }
                    if (indices.Length == length)
                    {
                        indices = null;
                    }
                }
                var batch = reader.Read(readFields, pieceStart, length);
                var input = new RecordBatch(
                    new Schema(_inputs.Select((f, i) => batch.Schema.GetFieldByIndex(i)), null),
                    Enumerable.Range(0, _inputs.Count).Select(batch.Column), length);
                var udfClock = Stopwatch.StartNew();
                var offset = pieceStart;
                if (indices is null)
                {
                    var output = _applier.Apply(input, task.JobId, task.FragmentId, i => offset + i, errors, cancel);
                    computed += length;
                    withValues += output.Length - output.NullCount;
                    udfClock.Stop();
                    writer.Append(output);
                }
                else
                {
                    var selected = indices;
                    using var subset = ArrowSelection.Take(input, selected);
                    var output = _applier.Apply(subset, task.JobId, task.FragmentId, i => offset + selected[i], errors, cancel);
                    computed += selected.Length;
                    withValues += output.Length - output.NullCount;
                    udfClock.Stop();
                    writer.Append(ArrowSelection.Merge(batch.Column(targetIndex), output, selected, length));
                }
                udfTime += udfClock.Elapsed;
                pieceStart = pieceEnd;
            }
            written = writer.Seal();
        }
        catch
        {
            writer.Dispose();
            throw;
        }
        // Disposing after a failed publish removes the temporary file.
        var publish = Task.Run(() =>
        {
            using (writer)
            {
                writer.Publish();
            }
        });
        if (computed > 0)
        {
            Sizer.Record(computed, udfTime);
        }
        var writeSeconds = Math.Max(0, total.Elapsed.TotalSeconds - udfTime.TotalSeconds);
        var batchRows = start % grid == 0 ? Math.Min(grid, count) : count;
        return new PendingCheckpoint(new CheckpointReceipt(task.FragmentKey, task.FragmentId, start, count, batchRows, relative,
            written.Bytes, written.Checksum, computed, udfTime.TotalSeconds, writeSeconds, errors, BatchSize: _applier.BatchSize,
            RowsWithValues: withValues), publish);
    }

    public void Dispose()
    {
        DropReader();
        _applier.Dispose();
    }
}
