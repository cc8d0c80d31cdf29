using Apache.Arrow;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>Opens the reader or writer of a data file's format version.</summary>
internal static class LanceDataFiles
{
    /// <summary>
    /// The data file version new files of a dataset must have: its manifest's (a dataset never mixes versions,
    /// or LanceDB's next addColumns fails), 2.1 for a new dataset. Throws TableFeatureUnsupported for a version
    /// Geneva does not write (LanceDB's "legacy" 0.1 and 2.2).
    /// </summary>
    public static LanceFileVersion VersionOf(Proto.Manifest? manifest) => manifest?.DataFormat?.Version switch
    {
        "2.0" => LanceFileVersion.V2_0,
        null or "" or "2.1" => LanceFileVersion.V2_1,
        var other => throw new GenevaException(GenevaErrorCode.TableFeatureUnsupported,
            $"The table stores Lance {(other == "0.1" ? "legacy (0.1)" : other)} data files; Geneva reads and writes " +
            "storage versions 2.0 and 2.1 (LanceDB's default). Copy the table into a 2.1 table to backfill it.", other),
    };

    public static ILanceDataFileWriter CreateWriter(Stream destination, Schema schema, IReadOnlyList<LanceField> lanceFields,
        LanceFileVersion version) => version == LanceFileVersion.V2_0
        ? new Lance20FileWriter(destination, schema, lanceFields)
        : new LanceFileWriter(destination, schema, lanceFields);

    /// <summary>Opens a data file by the version its manifest entry gives ((2, 0) is 2.0; anything else 2.x is 2.1).</summary>
    public static ILanceDataFileReader OpenReader(string path, (uint Major, uint Minor) version) =>
        version is (2, 0) or (0, 3) ? Lance20FileReader.Open(path) : LanceFileReader.Open(path);
}
