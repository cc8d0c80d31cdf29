namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF class as its assembly's metadata describes it, read without loading the assembly
/// (<see cref="UdfAssemblyReader"/>): its name, the values given in its <see cref="GenevaUdfAttribute"/>,
/// which contract it implements, and the parameter names of a typed <c>Apply</c> method.
/// </summary>
internal sealed record UdfClassMetadata
{
    /// <summary>Namespace-qualified name, nested classes joined with '+', as <see cref="Type.FullName"/>.</summary>
    public required string FullName { get; init; }

    public required string Name { get; init; }

    public required string OutputType { get; init; }

    public string? UdfName { get; init; }

    public IReadOnlyList<string>? InputColumns { get; init; }

    public string? Version { get; init; }

    public int CheckpointSize { get; init; }

    public int MinCheckpointSize { get; init; }

    public int MaxCheckpointSize { get; init; }

    public double NumCpus { get; init; } = 1;

    public double NumGpus { get; init; }

    public string OnError { get; init; } = "Fail";

    /// <summary>Implements <see cref="IBatchUdf"/>.</summary>
    public bool Batched { get; init; }

    /// <summary>Implements <see cref="IScalarUdf"/>.</summary>
    public bool Scalar { get; init; }

    /// <summary>The parameter names of its one public typed <c>Apply</c> method (classes implementing neither contract), if it has one.</summary>
    public IReadOnlyList<string>? ApplyParameters { get; init; }
}
