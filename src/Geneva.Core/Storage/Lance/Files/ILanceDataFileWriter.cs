using Apache.Arrow;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>A Lance data file writer of one file format version (2.0 or 2.1): a dataset never mixes versions.</summary>
internal interface ILanceDataFileWriter : IDisposable
{
    long RowCount { get; }

    IReadOnlyList<int> ManifestFields { get; }

    IReadOnlyList<int> ManifestColumnIndices { get; }

    (uint Major, uint Minor) FileVersion { get; }

    void Write(RecordBatch batch);

    /// <summary>Writes the file's metadata and footer; returns the file's size in bytes.</summary>
    long Finish();
}
