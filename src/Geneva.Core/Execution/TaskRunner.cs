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
/// It yields receipts and writes no database: a receipt counts once the coordinator records it.
/// </summary>
public sealed class TaskRunner : IDisposable
{
    private readonly GenevaTable _table;
    private readonly UdfApplier _applier;
    private readonly SqlExpression? _where;
    private readonly SchemaField _target;
    private readonly Field _outputField;
    private readonly IReadOnlyList<SchemaField> _inputs;

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
        if (task.Udf.BatchSize is int learned)
        {
            // The coordinator sends the smallest batch size any instance of this job has fallen back to.
            _applier.LimitBatchSize(learned);
        }
        var fragment = _table.Manifest.Fragments.FirstOrDefault(f => f.Id == task.FragmentId)
            ?? throw new GenevaException(GenevaErrorCode.CommitConflict,
                $"Fragment {task.FragmentId} is not in version {_table.Version} of '{_table.Path}'.", task.FragmentId);
        var merges = task.Mode is FragmentMode.Nulls or FragmentMode.Filter;
        var readFields = _inputs.ToList();
        if (merges && !readFields.Contains(_target))
        {
            readFields.Add(_target);
        }
        foreach (var f in _where?.Columns.Select(_table.Manifest.GetField) ?? [])
        {
            if (task.Mode == FragmentMode.Filter && !readFields.Contains(f))
            {
                readFields.Add(f);
            }
        }
        // The checkpoint writer writes each piece while the next is read and computed.
        using var reader = new FragmentReader(_table.Path, fragment) { KeepsPreviousRead = true };
        var grid = Math.Max(1, reader.BatchGrid(readFields[0]));
        var position = task.Offset;
        var end = task.Offset + task.RowCount;
        while (position < end)
        {
            cancel.ThrowIfCancellationRequested();
            var chunkEnd = Math.Min(end, position + Sizer.Current);
            if (!Sizer.IsFixed)
            {
                // Adaptive sizes are soft: ending on the input's batch grid (the next boundary when
                // starting off it, else the last one reached) keeps checkpoints aligned, so their
                // inputs are zero-copy slices rather than concatenations (5x slower in bench/).
                // Fixed sizes are kept exactly.
                var nextBoundary = ((position / grid) + 1) * grid;
                var snapped = chunkEnd / grid * grid;
                if (position % grid != 0 && chunkEnd > nextBoundary)
                {
                    chunkEnd = nextBoundary;
                }
                else if (chunkEnd < end && snapped > position)
                {
                    chunkEnd = snapped;
                }
            }
            yield return RunCheckpoint(task, reader, readFields, grid, position, chunkEnd - position, cancel);
            position = chunkEnd;
        }
    }

    private CheckpointReceipt RunCheckpoint(TaskSpec task, FragmentReader reader, IReadOnlyList<SchemaField> readFields,
        int grid, int start, int count, CancellationToken cancel)
    {
        var relative = CheckpointFileWriter.RelativePath(task.FragmentKey, start, count);
        var errors = new List<RowError>();
        var udfTime = TimeSpan.Zero;
        var computed = 0;
        var total = Stopwatch.StartNew();
        (long Bytes, string Checksum) written;
        using (var writer = new CheckpointFileWriter(_table.Path, relative, _outputField))
        {
            var aligned = start % grid == 0;
            for (var pieceStart = start; pieceStart < start + count;)
            {
                // Aligned checkpoints go batch by batch (zero-copy input slices); an unaligned one is
                // one piece, read across batches, so its file has one batch and stays seekable.
                var pieceEnd = aligned ? Math.Min(start + count, pieceStart + grid) : start + count;
                var length = pieceEnd - pieceStart;
                var batch = reader.Read(readFields, pieceStart, length);
                var input = new RecordBatch(
                    new Schema(_inputs.Select((f, i) => batch.Schema.GetFieldByIndex(i)), null),
                    Enumerable.Range(0, _inputs.Count).Select(batch.Column), length);
                int[]? indices = null;
                IArrowArray? existing = null;
                if (task.Mode is FragmentMode.Nulls or FragmentMode.Filter)
                {
                    existing = batch.Column(readFields.ToList().IndexOf(_target));
                    var mask = task.Mode == FragmentMode.Filter
                        ? _where!.EvaluateFilter(batch)
                        : Enumerable.Range(0, length).Select(existing.IsNull).ToArray();
                    indices = ArrowSelection.Indices(mask);
                    if (indices.Length == length)
                    {
                        indices = null;
                    }
                }
                var udfClock = Stopwatch.StartNew();
                if (indices is null)
                {
                    var offset = pieceStart;
                    var output = _applier.Apply(input, task.JobId, task.FragmentId, i => offset + i, errors, cancel);
                    computed += length;
                    udfClock.Stop();
                    writer.Append(output);
                }
                else if (indices.Length == 0)
                {
                    udfClock.Stop();
                    writer.Append(existing!);
                }
                else
                {
                    var offset = pieceStart;
                    var selected = indices;
                    using var subset = ArrowSelection.Take(input, selected);
                    var output = _applier.Apply(subset, task.JobId, task.FragmentId, i => offset + selected[i], errors, cancel);
                    computed += selected.Length;
                    udfClock.Stop();
                    writer.Append(ArrowSelection.Merge(existing, output, selected, length));
                }
                udfTime += udfClock.Elapsed;
                pieceStart = pieceEnd;
            }
            written = writer.Finish();
        }
        if (computed > 0)
        {
            Sizer.Record(computed, udfTime);
        }
        var writeSeconds = Math.Max(0, total.Elapsed.TotalSeconds - udfTime.TotalSeconds);
        var batchRows = start % grid == 0 ? Math.Min(grid, count) : count;
        return new CheckpointReceipt(task.FragmentKey, task.FragmentId, start, count, batchRows, relative, written.Bytes,
            written.Checksum, computed, udfTime.TotalSeconds, writeSeconds, errors, BatchSize: _applier.BatchSize);
    }

    public void Dispose() => _applier.Dispose();
}
