using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// Publishes a version the way lance does on a local disk: the transaction file first, then the manifest
/// written whole and durable under a temporary name and linked to its final name without overwriting
/// (<see cref="DurableFile.TryPublishExclusive"/>: link(2), so when another writer — LanceDB included — made
/// that version first, we lose cleanly and the caller rebases), then <c>latest_version_hint.json</c>.
/// </summary>
internal static class LanceCommitPublisher
{
    /// <summary>Writer feature flags we keep valid when we write: 1 = deletion files (we carry them as they are).</summary>
    private const ulong KnownWriterFlags = 1;

    /// <summary>Returns false when version <paramref name="next"/> already exists; nothing of ours is left behind then.</summary>
    public static bool TryPublish(string datasetPath, TableManifest next)
    {
        // A storage version we do not write (legacy, 2.2) is refused before any commit, a schema-only one included:
        // a column added there could never be filled.
        Files.LanceDataFiles.VersionOf(next.Source?.Manifest);
        var unknown = (next.Source?.Manifest.WriterFeatureFlags ?? 0) & ~KnownWriterFlags;
        if (unknown != 0)
        {
            // Stable row ids (flag 2), for one, need row-id sequences for every new fragment; writing without them
            // would break the table for LanceDB.
            throw new GenevaException(GenevaErrorCode.TableFeatureUnsupported,
                $"The table at '{datasetPath}' uses Lance writer features this Geneva does not maintain (flags 0x{unknown:x}, " +
                "for example stable row ids), so it cannot change it; reading it works.", datasetPath);
        }
        var manifest = LanceManifestBuilder.Build(next, transactionFile: "");
        var transaction = LanceTransactionBuilder.Build(next, manifest);
        var transactionName = LanceTransactionFile.FileName(transaction);
        manifest.TransactionFile = transactionName;
        var transactionPath = Path.Combine(datasetPath, LanceTransactionFile.TransactionsFolder, transactionName);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(transactionPath)!);
            using (var file = new DurableFile(transactionPath))
            {
                transaction.WriteTo(file.Stream);
                file.PublishReplacing();
            }
            var source = next.Source;
            var manifestFile = source?.Manifest is { HasIndexSection: true } old
                ? LanceManifestFile.Create(manifest, source.ReadSection(old.IndexSection))
                : LanceManifestFile.Create(manifest);
            var manifestPath = LanceVersions.ManifestPath(datasetPath, (ulong)next.Version);
            Directory.CreateDirectory(Path.GetDirectoryName(manifestPath)!);
            bool published;
            using (var file = new DurableFile(manifestPath))
            {
                file.Stream.Write(manifestFile.ToBytes());
                published = file.TryPublishExclusive();
            }
            if (!published)
            {
                TryDelete(transactionPath);
                return false;
            }
            WriteHint(datasetPath, (ulong)next.Version);
            return true;
        }
        catch (IOException e) when (StoreErrors.IsDiskFull(e))
        {
            TryDelete(transactionPath);
            throw StoreErrors.Map(e, datasetPath);
        }
    }

    /// <summary>Best effort: readers list the folder and never trust the hint alone.</summary>
    private static void WriteHint(string datasetPath, ulong version)
    {
        try
        {
            using var file = new DurableFile(Path.Combine(datasetPath, LanceVersions.VersionsFolder, LanceVersions.HintFileName));
            file.Stream.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"version\":{version}}}"));
            if (!LanceVersions.TryReadHint(datasetPath, out var current) || current < version)
            {
                file.PublishReplacing();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stale hint only costs a reader a listing.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreferenced transaction file is harmless.
        }
    }
}
