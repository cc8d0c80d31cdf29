using Geneva.Core.Storage;

namespace Geneva.PowerShell.Output;

/// <summary>A table at one version, as Get-GenevaTable shows it.</summary>
public sealed class GenevaTableInfo
{
    internal GenevaTableInfo(GenevaTable table)
    {
        Path = table.Path;
        Version = table.Version;
        TableId = table.TableId;
        RowCount = table.Manifest.RowCount;
        FragmentCount = table.Manifest.Fragments.Count;
        Timestamp = table.Manifest.Timestamp;
        Columns = table.Manifest.Fields
            .Select(f => new GenevaColumnInfo(f.Id, f.Name, f.Type, table.Manifest.FindBinding(f.Name)))
            .ToList()
            .AsReadOnly(); // a List would let a caller change the table's output
    }

    public string Path { get; }
    public long Version { get; }
    public string TableId { get; }
    public long RowCount { get; }
    public int FragmentCount { get; }
    public DateTimeOffset Timestamp { get; }
    public IReadOnlyList<GenevaColumnInfo> Columns { get; }

    /// <summary>Column names and types, e.g. <c>id:int64, text:utf8</c>.</summary>
    public string Schema => string.Join(", ", Columns.Select(c => $"{c.Name}:{c.Type}"));

    public override string ToString() => Path;
}
