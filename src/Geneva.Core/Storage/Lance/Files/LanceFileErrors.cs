namespace Geneva.Core.Storage.Lance.Files;

/// <summary>The errors of the data-file layer, worded once: file, column, what is wrong.</summary>
internal static class LanceFileErrors
{
    public static GenevaException Corrupt(string path, string? column, string problem, Exception? inner = null)
    {
        var where = column is null ? $"Lance data file '{path}'" : $"column '{column}' of Lance data file '{path}'";
        return new GenevaException(GenevaErrorCode.DataFileCorrupt, $"The {where} is corrupt: {problem}.", path, inner);
    }

    public static GenevaException Unsupported(string path, string? column, string what)
    {
        var where = column is null ? $"Lance data file '{path}'" : $"column '{column}' of Lance data file '{path}'";
        return new LanceUnsupportedEncodingException($"The {where} uses {what}, which Geneva cannot read.", path);
    }

    public static GenevaException CannotWrite(string column, string what) =>
        new(GenevaErrorCode.TypeMismatch, $"Column '{column}' cannot be written to a Lance data file: {what}.", column);
}
