namespace Geneva.Core.Storage;

/// <summary>
/// A column of a table. <see cref="Id"/> is stable for the table's life, so data files
/// and bindings refer to ids, never to names or positions.
/// </summary>
public sealed record SchemaField(int Id, string Name, string Type, bool Nullable = true);
