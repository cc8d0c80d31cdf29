using Apache.Arrow;

namespace Geneva.Core.Expressions;

/// <summary>One evaluation over one batch; caches columns so a name used twice is read once.</summary>
internal sealed class EvaluationContext
{
    private readonly RecordBatch _batch;
    private readonly Dictionary<int, ValueVector> _columns = [];

    public EvaluationContext(RecordBatch batch)
    {
        _batch = batch;
        Columns = new ColumnResolver(batch.Schema);
    }

    public ColumnResolver Columns { get; }

    public int Length => _batch.Length;

    public ValueVector Column(string name)
    {
        var index = Columns.IndexOf(name);
        if (!_columns.TryGetValue(index, out var vector))
        {
            vector = ValueVector.FromArrow(_batch.Column(index), owned: false);
            _columns[index] = vector;
        }
        return vector;
    }
}
