using Apache.Arrow;
using Geneva.Core.Storage.Lance.Files;

namespace Geneva.Core.Storage;

/// <summary>
/// Writes one Lance data file under the table's <c>data/</c> folder, in the table's file version (2.1, or 2.0
/// for a dataset LanceDB made in 2.0: LanceDB refuses datasets that mix them). The file is
/// a <see cref="DurableFile"/>: written under a temporary name and renamed into place once flushed to disk,
/// so a crash leaves either no file or a whole one, and the file is durable before a manifest names it.
/// </summary>
internal sealed class DataFileWriter : IDisposable
{
    private readonly string _relativePath;
    private readonly DurableFile _file;
    private readonly ILanceDataFileWriter _writer;
    private readonly Dictionary<int, int> _topOf;
    private bool _finished;

    /// <param name="lanceFields">The columns' Lance fields with the table's field ids (top-level fields and their children).</param>
    /// <param name="version">The table's data file version (a dataset never mixes them).</param>
    public DataFileWriter(string tablePath, string relativePath, Schema schema, IReadOnlyList<Lance.Proto.Field> lanceFields,
        LanceFileVersion version)
    {
        _relativePath = relativePath;
        _topOf = Lance.LanceTableReader.TopLevelOf(lanceFields);
        _file = new DurableFile(Path.Combine(tablePath, relativePath), 1 << 16);
        try
        {
            _writer = LanceDataFiles.CreateWriter(_file.Stream, schema, lanceFields, version);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public long RowCount => _writer.RowCount;

    public void Write(RecordBatch batch)
    {
        try
        {
            _writer.Write(batch);
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            throw StoreErrors.Map(e, _relativePath);
        }
    }

    /// <summary>Finishes the file, makes it durable under its name and returns its manifest entry.</summary>
    public DataFileEntry Finish(ColumnProvenance? provenance = null)
    {
        try
        {
            var size = _writer.Finish();
            _writer.Dispose();
            _file.PublishReplacing();
            _finished = true;
            return new DataFileEntry(_relativePath, _writer.ManifestFields.ToList(), provenance)
            {
                Columns = _writer.ManifestFields.Select(id => _topOf.GetValueOrDefault(id, id)).ToList(),
                ColumnIndices = _writer.ManifestColumnIndices.ToList(),
                FileVersion = _writer.FileVersion,
                SizeBytes = size,
            };
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            throw StoreErrors.Map(e, _relativePath);
        }
    }

    public void Dispose()
    {
        if (_finished)
        {
            return;
        }
        _writer.Dispose();
        _file.Dispose();
    }

    public static string NewDataFileName() => $"data/{Guid.NewGuid():N}.lance";
}
