namespace Geneva.Core.Storage.Lance.Files;
internal sealed class LanceFileWriter : IDisposable {
    public LanceFileWriter(Stream destination, Apache.Arrow.Schema arrowSchema, IReadOnlyList<Proto.Field> lanceFields) => throw new NotImplementedException();
    public void Write(Apache.Arrow.RecordBatch batch) => throw new NotImplementedException();
    public long RowCount { get; }
    public long Finish() => throw new NotImplementedException();
    public IReadOnlyList<int> ManifestFields { get; } = [];
    public IReadOnlyList<int> ManifestColumnIndices { get; } = [];
    public (uint Major, uint Minor) FileVersion { get; }
    public void Dispose() {}
}
internal sealed class LanceFileReader : IDisposable {
    public static LanceFileReader Open(string path) => throw new NotImplementedException();
    public long RowCount { get; }
    public Apache.Arrow.IArrowArray Read(int fieldId, long start, int length) => throw new NotImplementedException();
    public void Dispose() {}
}
