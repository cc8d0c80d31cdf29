using System.Management.Automation;
using Apache.Arrow;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Collects piped rows into Arrow batches of <see cref="BatchRows"/> rows as they arrive, so a
/// large pipeline is held as compact columns rather than as PSObjects. Column types are set by the
/// first batch that has the column (or by the table's known column types); a column that first
/// appears in a later batch is added, null in the rows before it.
/// </summary>
internal sealed class RowBuffer
{
    public const int BatchRows = 65_536;

    private readonly List<IReadOnlyList<KeyValuePair<string, object?>>> _pending = [];
    private readonly List<RecordBatch> _batches = [];
    private Schema? _schema;

    public IReadOnlyDictionary<string, string>? KnownTypes { get; set; }

    public long Count { get; private set; }

    public void Add(PSObject row)
    {
        _pending.Add(RowConversion.Properties(row, Count + 1));
        Count++;
        if (_pending.Count == BatchRows)
        {
            Flush();
        }
    }

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        var schema = RowConversion.InferSchema(_pending, KnownTypes, _schema);
        if (_schema is not null && schema.FieldsList.Count > _schema.FieldsList.Count)
        {
            for (var i = 0; i < _batches.Count; i++)
            {
                _batches[i] = RowConversion.Widen(_batches[i], schema);
            }
        }
        _schema = schema;
        _batches.Add(RowConversion.ToBatch(_schema, _pending, Count - _pending.Count + 1));
        _pending.Clear();
    }

    public (Schema Schema, IReadOnlyList<RecordBatch> Batches) Complete()
    {
        Flush();
        return (_schema ?? new Schema([], null), _batches);
    }
}
