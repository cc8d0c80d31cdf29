using Apache.Arrow;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One column of a data file being written, in the page encodings of one format version.</summary>
internal interface ILanceColumnWriter
{
    string Name { get; }

    /// <summary>Appends all rows of <paramref name="array"/>, writing pages to <paramref name="output"/> as they fill.</summary>
    void Append(IArrowArray array, LanceFileOutput output);

    /// <summary>Writes the last page; returns the column's metadata.</summary>
    ColumnMetadata Finish(LanceFileOutput output);
}
