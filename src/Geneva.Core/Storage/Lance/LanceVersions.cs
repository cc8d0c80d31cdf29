using System.Globalization;
using System.Text.Json;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// The versions of a Lance dataset, from its <c>_versions/</c> folder in the V2 naming LanceDB uses:
/// version v lives in <c>{u64::MAX - v, 20 digits}.manifest</c>, so the newest sorts first.
/// <c>latest_version_hint.json</c> is only a hint: the folder listing is the truth.
/// </summary>
internal static class LanceVersions
{
    public const string VersionsFolder = "_versions";
    public const string ManifestExtension = ".manifest";
    public const string HintFileName = "latest_version_hint.json";

    /// <summary>The V2 file name of <paramref name="version"/>'s manifest.</summary>
    public static string ManifestFileName(ulong version) =>
        (ulong.MaxValue - version).ToString("D20", CultureInfo.InvariantCulture) + ManifestExtension;

    public static string ManifestPath(string datasetPath, ulong version) =>
        Path.Combine(datasetPath, VersionsFolder, ManifestFileName(version));

    /// <summary>The version a V2 manifest file name holds; false for any other name (V1 names, temporary files).</summary>
    public static bool TryParseManifestFileName(string fileName, out ulong version)
    {
        version = 0;
        if (!fileName.EndsWith(ManifestExtension, StringComparison.Ordinal))
        {
            return false;
        }
        var digits = fileName.AsSpan(0, fileName.Length - ManifestExtension.Length);
        if (digits.Length != 20 || !ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var inverted))
        {
            return false;
        }
        version = ulong.MaxValue - inverted;
        return true;
    }

    /// <summary>Every version whose manifest is in the dataset, oldest first.</summary>
    public static IReadOnlyList<ulong> List(string datasetPath)
    {
        var folder = Path.Combine(datasetPath, VersionsFolder);
        if (!Directory.Exists(folder))
        {
            throw new GenevaException(GenevaErrorCode.TableNotFound,
                $"No Lance dataset at '{datasetPath}' (no {VersionsFolder} folder).", datasetPath);
        }
        var versions = new List<ulong>();
        foreach (var file in Directory.EnumerateFiles(folder, "*" + ManifestExtension))
        {
            if (TryParseManifestFileName(Path.GetFileName(file), out var version))
            {
                versions.Add(version);
            }
        }
        versions.Sort();
        return versions;
    }

    /// <summary>The newest version in the folder listing (not the hint).</summary>
    public static ulong Latest(string datasetPath)
    {
        var versions = List(datasetPath);
        if (versions.Count == 0)
        {
            throw new GenevaException(GenevaErrorCode.TableNotFound,
                $"The Lance dataset at '{datasetPath}' has no manifest in its {VersionsFolder} folder.", datasetPath);
        }
        return versions[^1];
    }

    /// <summary>The version <c>latest_version_hint.json</c> names; false when it is missing or unreadable.</summary>
    public static bool TryReadHint(string datasetPath, out ulong version)
    {
        version = 0;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(datasetPath, VersionsFolder, HintFileName)));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("version", out var value)
                && value.TryGetUInt64(out version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }
}
