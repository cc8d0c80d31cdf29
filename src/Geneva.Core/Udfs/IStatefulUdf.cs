namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF with costly state (a model, a connection): <see cref="Setup"/> runs once per UDF instance
/// before its first row; <see cref="IDisposable.Dispose"/>, if implemented, runs after its last.
/// </summary>
public interface IStatefulUdf
{
    void Setup();
}
