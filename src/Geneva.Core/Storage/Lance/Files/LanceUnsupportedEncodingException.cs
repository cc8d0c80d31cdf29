namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// A column whose encoding Geneva does not read (yet): the file is not broken, so opening it still
/// works and only a read of that column throws. Code <see cref="GenevaErrorCode.DataFileCorrupt"/>.
/// </summary>
internal sealed class LanceUnsupportedEncodingException(string message, string path)
    : GenevaException(GenevaErrorCode.DataFileCorrupt, message, path);
