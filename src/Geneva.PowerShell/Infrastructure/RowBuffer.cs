using System.Management.Automation;
using Apache.Arrow;

namespace Geneva.PowerShell.Infrastructure;

/// <summary>
/// Collects piped rows into Arrow batches of <see cref="BatchRows"/> rows as they arrive, so a
/// large pipeline is held as compact columns rather than as PSObjects. The schema is fixed by
/// the first batch (or by the table's known column types).
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
        _schema ??= RowConversion.InferSchema(_pending, KnownTypes);
        _batches.Add(RowConversion.ToBatch(_schema, _pending));
        _pending.Clear();
    }

    public (Schema Schema, IReadOnlyList<RecordBatch> Batches) Complete()
    {
        Flush();
        return (_schema ?? new Schema([], null), _batches);
    }
}
