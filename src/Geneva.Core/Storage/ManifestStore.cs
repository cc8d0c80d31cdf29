using Geneva.Core.Storage.Lance;

namespace Geneva.Core.Storage;

/// <summary>
/// The versions of a table: Lance manifests in <c>_versions/</c>. A version exists once its manifest exists,
/// and the manifest appears whole and durable (published exclusively: linked into place without overwriting),
/// so readers never see a half-written version and two writers of the same version number cannot both win.
/// </summary>
internal static class ManifestStore
{
    public const string VersionsFolder = LanceVersions.VersionsFolder;

    /// <summary>A table is a folder with a <c>_versions</c> folder (a Lance dataset).</summary>
    public static bool IsTable(string tablePath) => Directory.Exists(Path.Combine(tablePath, VersionsFolder));

    public static IReadOnlyList<long> ListVersions(string tablePath) =>
        LanceVersions.List(tablePath).Select(v => (long)v).ToList();

    public static long LatestVersion(string tablePath) => (long)LanceVersions.Latest(tablePath);

    public static TableManifest Read(string tablePath, long version)
    {
        if (version < 1)
        {
            throw new GenevaException(GenevaErrorCode.VersionNotFound,
                $"Version {version} of table '{tablePath}' does not exist: versions start at 1.", version);
        }
        return LanceTableReader.Read(tablePath, (ulong)version);
    }

    /// <summary>What made a version, for the version history.</summary>
    public static (string Operation, string? Detail) ReadOperation(string tablePath, long version) =>
        LanceTableReader.ReadOperation(tablePath, (ulong)version);

    /// <summary>Commits <paramref name="manifest"/> (built on the version it was read from); false when that version number already exists.</summary>
    public static bool TryCreate(string tablePath, TableManifest manifest) => LanceCommitPublisher.TryPublish(tablePath, manifest);
}
