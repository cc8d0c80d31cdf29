using Geneva.Core.Udfs;

namespace Geneva.PowerShell.Output;

/// <summary>A column of a table and, when computed, the UDF bound to it.</summary>
public sealed class GenevaColumnInfo
{
    internal GenevaColumnInfo(int id, string name, string type, UdfSpec? udf)
    {
        Id = id;
        Name = name;
        Type = type;
        Udf = udf;
    }

    public int Id { get; }
    public string Name { get; }
    public string Type { get; }
    public UdfSpec? Udf { get; }
    public string? UdfName => Udf?.Name;
    public string? UdfKind => Udf?.Kind;
    public string? UdfVersion => Udf?.EffectiveVersion;
    public IReadOnlyList<string> InputColumns => Udf?.InputColumns ?? [];
    public bool IsComputed => Udf is not null;
}
