namespace Geneva.Core.Udfs;

/// <summary>
/// Rebuilds a runnable UDF from a <see cref="UdfSpec"/> of one <see cref="UdfKind"/>. The result
/// is an <see cref="IBatchUdf"/> or an <see cref="IScalarUdf"/>, optionally <see cref="IStatefulUdf"/>.
/// Hosts add factories for kinds the engine cannot run itself (the PowerShell layer adds scriptblocks).
/// </summary>
public interface IUdfFactory
{
    string Kind { get; }

    object Create(UdfSpec spec);
}
