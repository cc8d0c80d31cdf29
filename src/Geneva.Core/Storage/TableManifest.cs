using Geneva.Core.Udfs;

namespace Geneva.Core.Storage;

/// <summary>
/// One immutable version of a table: a Lance manifest (<c>_versions/*.manifest</c>) as the engine sees it.
/// Everything a reader needs is here: schema, fragments and their files, UDF bindings (kept in the Lance
/// field metadata), and the Lance message it was read from, so a rewrite keeps what this build does not know.
/// </summary>
public sealed record TableManifest
{
    /// <summary>Identifies the table across moves and copies; part of checkpoint identity.</summary>
    public required string TableId { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What produced this version (create, append, add_column, backfill...; a Lance operation name for versions LanceDB made).</summary>
    public string Operation { get; init; } = "";

    public string? OperationDetail { get; init; }

    public required IReadOnlyList<SchemaField> Fields { get; init; }

    public required IReadOnlyList<FragmentEntry> Fragments { get; init; }

    /// <summary>Column name to the UDF that computes it.</summary>
    public IReadOnlyDictionary<string, UdfSpec> Bindings { get; init; } = new Dictionary<string, UdfSpec>();

    public int NextFieldId { get; init; }

    public int NextFragmentId { get; init; }

    /// <summary>Rows a reader sees: deleted rows are not counted.</summary>
    public long RowCount => Fragments.Sum(f => (long)f.LiveRowCount);

    /// <summary>The manifest file this version was read from (null for one made here and not yet committed).</summary>
    internal Lance.LanceManifestFile? Source { get; init; }

    public SchemaField? FindField(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public SchemaField GetField(string name) => FindField(name) ?? throw new GenevaException(
        GenevaErrorCode.ColumnNotFound,
        $"Column '{name}' does not exist. Columns: {string.Join(", ", Fields.Select(f => f.Name))}.", name);

    public UdfSpec? FindBinding(string column) =>
        Bindings.FirstOrDefault(b => string.Equals(b.Key, column, StringComparison.OrdinalIgnoreCase)).Value;
}
