using Geneva.Core.Udfs;

namespace Geneva.Core.Storage;

/// <summary>
/// One immutable version of a table, stored as <c>_versions/{Version:D20}.json</c>.
/// Everything a reader needs is here: schema, fragments and their files, UDF bindings.
/// </summary>
public sealed record TableManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Identifies the table across moves and copies; part of checkpoint identity.</summary>
    public required string TableId { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What produced this version, for Get-GenevaTableVersion (create, append, add_column, backfill...).</summary>
    public required string Operation { get; init; }

    public string? OperationDetail { get; init; }

    public required IReadOnlyList<SchemaField> Fields { get; init; }

    public required IReadOnlyList<FragmentEntry> Fragments { get; init; }

    /// <summary>Column name to the UDF that computes it.</summary>
    public IReadOnlyDictionary<string, UdfSpec> Bindings { get; init; } = new Dictionary<string, UdfSpec>();

    public int NextFieldId { get; init; }

    public int NextFragmentId { get; init; }

    public long RowCount => Fragments.Sum(f => (long)f.RowCount);

    public SchemaField? FindField(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public SchemaField GetField(string name) => FindField(name) ?? throw new GenevaException(
        GenevaErrorCode.ColumnNotFound,
        $"Column '{name}' does not exist. Columns: {string.Join(", ", Fields.Select(f => f.Name))}.", name);

    public UdfSpec? FindBinding(string column) =>
        Bindings.FirstOrDefault(b => string.Equals(b.Key, column, StringComparison.OrdinalIgnoreCase)).Value;
}
