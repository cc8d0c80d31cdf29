namespace Geneva.Core.Udfs;

/// <summary>Where a UDF's code comes from; decides which <see cref="IUdfFactory"/> rebuilds it.</summary>
public static class UdfKind
{
    /// <summary>A .NET class in an assembly file (Source = assembly path, TypeName = class).</summary>
    public const string DotNet = "dotnet";

    /// <summary>A PowerShell scriptblock (Source = its text); rebuilt by the PowerShell layer.</summary>
    public const string ScriptBlock = "scriptblock";

    /// <summary>A SQL-style expression (Source = its text) evaluated by Geneva.Core.Expressions.</summary>
    public const string Expression = "expression";

    /// <summary>
    /// A TorchScript model file (Source = its path, SourceHash = hash of its bytes); run by the
    /// Geneva.Torch worker, never in the engine or the user's session.
    /// </summary>
    public const string Model = "model";
}
