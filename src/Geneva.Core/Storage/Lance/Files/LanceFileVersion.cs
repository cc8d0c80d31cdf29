namespace Geneva.Core.Storage.Lance.Files;

/// <summary>The data file format versions (footer major.minor 0.3 and 2.1).</summary>
internal enum LanceFileVersion
{
    V2_0,
    V2_1,
}
