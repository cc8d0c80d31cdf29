using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Geneva.Core.Storage;

/// <summary>
/// Reads and writes the <c>_versions/</c> folder. A version exists once its file exists, and
/// the file appears whole and durable (a <see cref="DurableFile"/> published exclusively: linked
/// into place without overwriting), so readers never see a half-written version and two writers
/// of the same version number cannot both win.
/// </summary>
internal static class ManifestStore
{
    public const string VersionsFolder = "_versions";

    internal static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string VersionPath(string tablePath, long version) =>
        Path.Combine(tablePath, VersionsFolder, version.ToString("D20", CultureInfo.InvariantCulture) + ".json");

    public static bool IsTable(string tablePath) => Directory.Exists(Path.Combine(tablePath, VersionsFolder));

    public static IReadOnlyList<long> ListVersions(string tablePath)
    {
        var folder = Path.Combine(tablePath, VersionsFolder);
        if (!Directory.Exists(folder))
        {
            throw new GenevaException(GenevaErrorCode.TableNotFound,
                $"No Geneva table at '{tablePath}' (no {VersionsFolder} folder).", tablePath);
        }
        var versions = new List<long>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                versions.Add(v);
            }
        }
        versions.Sort();
        return versions;
    }

    public static long LatestVersion(string tablePath)
    {
        var versions = ListVersions(tablePath);
        if (versions.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"The table at '{tablePath}' has no committed version.", tablePath);
        }
        return versions[^1];
    }

    public static TableManifest Read(string tablePath, long version)
    {
        var path = VersionPath(tablePath, version);
        if (!File.Exists(path))
        {
            throw new GenevaException(GenevaErrorCode.VersionNotFound,
                $"Version {version} of table '{tablePath}' does not exist.", version);
        }
        try
        {
            var manifest = JsonSerializer.Deserialize<TableManifest>(File.ReadAllBytes(path), s_json)
                ?? throw new JsonException("empty manifest");
            if (manifest.FormatVersion > TableManifest.CurrentFormatVersion)
            {
                throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                    $"Manifest '{path}' has format {manifest.FormatVersion}; this Geneva reads up to {TableManifest.CurrentFormatVersion}.", path);
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"Manifest '{path}' is corrupt and cannot be read: {e.Message}", path, e);
        }
    }

    /// <summary>Writes a new version durably (see <see cref="DurableFile"/>); returns false when that version number already exists.</summary>
    public static bool TryCreate(string tablePath, TableManifest manifest)
    {
        try
        {
            using var file = new DurableFile(VersionPath(tablePath, manifest.Version));
            JsonSerializer.Serialize(file.Stream, manifest, s_json);
            return file.TryPublishExclusive();
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            throw StoreErrors.Map(e, tablePath);
        }
    }
}
