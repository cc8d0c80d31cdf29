using Apache.Arrow;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads row ranges of the columns of one Lance data file (2.0 or 2.1, as its manifest entry says) of a table; a missing file is reported as the
/// table's corruption, naming the file.
/// </summary>
internal sealed class DataFileReader : IDisposable
{
    private readonly ILanceDataFileReader _reader;

    public DataFileReader(string tablePath, DataFileEntry entry, int fragmentRows)
    {
        Entry = entry;
        var path = Path.Combine(tablePath, entry.Path);
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Data file '{path}' named by the table's manifest is missing.", path);
        }
        _reader = LanceDataFiles.OpenReader(path, entry.FileVersion);
        if (_reader.RowCount != fragmentRows)
        {
            _reader.Dispose();
            throw new GenevaException(GenevaErrorCode.DataFileCorrupt,
                $"Data file '{path}' has {_reader.RowCount} rows but its fragment has {fragmentRows}.", path);
        }
    }

    public DataFileEntry Entry { get; }

    /// <summary>Rows [start, start + length) of a field; the array is the caller's to dispose.</summary>
    public IArrowArray Read(int fieldId, int start, int length) => _reader.Read(fieldId, start, length);

    public void Dispose() => _reader.Dispose();
}
