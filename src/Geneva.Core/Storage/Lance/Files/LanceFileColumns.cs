namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// The columns an open data file (2.0 or 2.1) can read, by dataset field id, and why each of the others
/// cannot (an encoding or type Geneva does not read), so that one such column does not stop the file opening.
/// </summary>
internal sealed class LanceFileColumns<TColumn> where TColumn : class
{
    private readonly Dictionary<int, TColumn> _readable = [];
    private readonly Dictionary<int, GenevaException> _unreadable = [];

    public void Add(int fieldId, TColumn column) => _readable[fieldId] = column;

    public void AddUnreadable(int fieldId, GenevaException why) => _unreadable[fieldId] = why;

    public bool CanRead(int fieldId) => _readable.ContainsKey(fieldId);

    public TColumn this[int fieldId] => _readable[fieldId];

    /// <summary>
    /// The column to read rows [start, start + length) of, checked against the file's <paramref name="rowCount"/>;
    /// a field with no column throws <paramref name="noColumn"/> if given, else ColumnNotFound.
    /// </summary>
    public TColumn ToRead(int fieldId, long start, int length, string path, long rowCount, GenevaException? noColumn = null)
    {
        if (!_readable.TryGetValue(fieldId, out var column))
        {
            if (_unreadable.TryGetValue(fieldId, out var unreadable))
            {
                throw new LanceUnsupportedEncodingException(unreadable.Message, path);
            }
            throw noColumn ?? new GenevaException(GenevaErrorCode.ColumnNotFound, $"The Lance data file '{path}' has no column with field id {fieldId}.", fieldId);
        }
        if (start < 0 || length < 0 || start + length > rowCount)
        {
            throw new GenevaException(GenevaErrorCode.InvalidArgument,
                $"Rows [{start}, {start + length}) are outside the {rowCount} rows of Lance data file '{path}'.", path);
        }
        return column;
    }
}
