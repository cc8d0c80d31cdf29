using Apache.Arrow;
using Geneva.Core.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>One evaluation over one batch; caches columns so a name used twice is read once.</summary>
internal sealed class EvaluationContext
{
    private readonly RecordBatch _batch;
    private readonly int[]? _rows;
    private readonly Dictionary<int, ValueVector> _columns = [];

    public EvaluationContext(RecordBatch batch)
        : this(batch, null, new ColumnResolver(batch.Schema))
    {
    }

    private EvaluationContext(RecordBatch batch, int[]? rows, ColumnResolver columns)
    {
        _batch = batch;
        _rows = rows;
        Columns = columns;
    }

    public ColumnResolver Columns { get; }

    public int Length => _rows?.Length ?? _batch.Length;

    /// <summary>
    /// The same batch restricted to <paramref name="rows"/> (indices into this context's rows), for
    /// the branches of a CASE that must see only the rows they decide; columns are copied on first use.
    /// </summary>
    public EvaluationContext Subset(int[] rows) =>
        new(_batch, _rows is null ? rows : rows.Select(r => _rows[r]).ToArray(), Columns);

    public ValueVector Column(string name)
    {
        var index = Columns.IndexOf(name);
        if (!_columns.TryGetValue(index, out var vector))
        {
            vector = _rows is null
                ? ValueVector.FromArrow(_batch.Column(index), owned: false)
                : ValueVector.FromArrow(ArrowSelection.Take(_batch.Column(index), _rows), owned: true);
            _columns[index] = vector;
        }
        return vector;
    }
}
