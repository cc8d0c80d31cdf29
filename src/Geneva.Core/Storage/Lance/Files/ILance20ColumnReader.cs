namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One readable top-level column of an open 2.0 file: a leaf (<see cref="Lance20ColumnReader"/>) or a list (<see cref="Lance20ListColumnReader"/>).</summary>
internal interface ILance20ColumnReader
{
    public long Rows { get; }

    /// <summary>Decodes rows [start, start + length) into a new Arrow array the caller owns.</summary>
    public Apache.Arrow.IArrowArray Read(LanceFileSource file, long start, int length);
}
