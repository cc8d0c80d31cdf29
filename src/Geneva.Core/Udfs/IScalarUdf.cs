namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF over one row: <paramref name="args"/> are the row's input values in declared order
/// (null for SQL null). Return a value convertible to the output type, or null.
/// A class may instead expose a typed public method named <c>Apply</c>; see <see cref="DotNetUdfLoader"/>.
/// </summary>
public interface IScalarUdf
{
    object? Apply(object?[] args);
}
