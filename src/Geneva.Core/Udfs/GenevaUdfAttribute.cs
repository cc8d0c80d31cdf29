namespace Geneva.Core.Udfs;

/// <summary>
/// Declares a .NET class as a Geneva UDF, like Python Geneva's <c>@udf</c>: its name, output type,
/// and defaults. Input columns default to the parameter names of a typed <c>Apply</c> method.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GenevaUdfAttribute : Attribute
{
    public GenevaUdfAttribute(string outputType)
    {
        OutputType = outputType;
    }

    public string OutputType { get; }

    public string? Name { get; set; }

    public string[]? InputColumns { get; set; }

    public string? Version { get; set; }

    /// <summary>0 means "not set" (attributes cannot hold nullable values).</summary>
    public int CheckpointSize { get; set; }

    public int MinCheckpointSize { get; set; }

    public int MaxCheckpointSize { get; set; }

    public double NumCpus { get; set; } = 1;

    public double NumGpus { get; set; }

    /// <summary>Fail, Skip, RetryTransient or RetryAll.</summary>
    public string OnError { get; set; } = "Fail";
}
