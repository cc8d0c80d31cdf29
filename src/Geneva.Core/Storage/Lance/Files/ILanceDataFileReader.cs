using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>A Lance data file reader of one file format version (2.0 or 2.1).</summary>
internal interface ILanceDataFileReader : IDisposable
{
    long RowCount { get; }

    /// <summary>Rows [start, start + length) of a top-level field; the array is the caller's.</summary>
    IArrowArray Read(int fieldId, long start, int length);
}
