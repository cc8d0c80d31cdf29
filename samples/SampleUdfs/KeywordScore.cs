using Geneva.Core.Udfs;

namespace SampleUdfs;

/// <summary>
/// A stateful scalar UDF: Setup runs once per UDF instance, in the worker, before its first row (load a
/// model, open a connection, read a file), and Dispose after its last. IScalarUdf's Apply takes the row's
/// input values as objects, in the order InputColumns lists them. OnError = "Skip" makes a row whose
/// Apply throws null and records it (Get-GenevaBackfillError) instead of failing the job.
/// </summary>
[GenevaUdf("float64", Name = "keyword_score", InputColumns = ["text"], OnError = "Skip")]
public sealed class KeywordScore : IScalarUdf, IStatefulUdf, IDisposable
{
    private HashSet<string>? _keywords;

    public void Setup() =>
        _keywords = new HashSet<string>(["geneva", "backfill", "checkpoint", "lance"], StringComparer.OrdinalIgnoreCase);

    public object? Apply(object?[] args)
    {
        if (args[0] is not string text)
        {
            return null;
        }
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new ArgumentException("The text has no words.");
        }
        return (double)words.Count(_keywords!.Contains) / words.Length;
    }

    public void Dispose() => _keywords = null;
}
