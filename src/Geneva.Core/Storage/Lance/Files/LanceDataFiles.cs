using Apache.Arrow;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>Opens the reader or writer of a data file's format version.</summary>
internal static class LanceDataFiles
{
    /// <summary>The data file version of a dataset: 2.0 when its manifest says so, else 2.1 (LanceDB's default, and ours).</summary>
    public static LanceFileVersion VersionOf(Proto.Manifest? manifest) =>
        manifest?.DataFormat?.Version == "2.0" ? LanceFileVersion.V2_0 : LanceFileVersion.V2_1;

    public static ILanceDataFileWriter CreateWriter(Stream destination, Schema schema, IReadOnlyList<LanceField> lanceFields,
        LanceFileVersion version) => version == LanceFileVersion.V2_0
        ? new Lance20FileWriter(destination, schema, lanceFields)
        : new LanceFileWriter(destination, schema, lanceFields);

    /// <summary>Opens a data file by the version its manifest entry gives ((2, 0) is 2.0; anything else 2.x is 2.1).</summary>
    public static ILanceDataFileReader OpenReader(string path, (uint Major, uint Minor) version) =>
        version is (2, 0) or (0, 3) ? Lance20FileReader.Open(path) : LanceFileReader.Open(path);
}
