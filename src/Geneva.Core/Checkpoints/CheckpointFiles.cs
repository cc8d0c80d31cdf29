using System.IO.Hashing;
using Geneva.Core.Storage;

namespace Geneva.Core.Checkpoints;

/// <summary>Checks on checkpoint files: whether one can be reused as its receipt describes it.</summary>
public static class CheckpointFiles
{
    /// <summary>
    /// Whether a receipt's file is there, has its size, and hashes to its checksum (XxHash3 over the
    /// whole file, as the writer computed it while writing). A damaged checkpoint is recomputed, never
    /// trusted; reading it back costs about what writing it did.
    /// </summary>
    public static bool Verify(string tablePath, CheckpointReceipt receipt, bool checksum = true)
    {
        var path = Path.Combine(tablePath, receipt.File);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length != receipt.Bytes)
            {
                return false;
            }
            if (!checksum)
            {
                return true;
            }
            var hash = new XxHash3();
            hash.Append(stream);
            return string.Equals(Convert.ToHexStringLower(hash.GetCurrentHash()), receipt.Checksum, StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The folder checkpoint files are written to, relative to the table.</summary>
    public const string Folder = "data/ck";

    /// <summary>
    /// Deletes the files of the table's checkpoint folder that nothing refers to: temporary files left by
    /// killed writers, and checkpoint files that no receipt and no table version names (a worker killed
    /// between writing a file and its receipt). Another running job's files in flight have no receipt yet,
    /// so nothing is collected while any lease but <paramref name="holder"/>'s is live; the folder is listed
    /// before that check, so a job that starts during the collection only adds files it does not see.
    /// Returns how many files it deleted.
    /// </summary>
    internal static int CollectOrphans(string tablePath, CheckpointStore store, string holder)
    {
        var folder = Path.Combine(tablePath, Folder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var candidates = Directory.GetFiles(folder);
        if (candidates.Length == 0 || store.LiveLeases().Any(l => l.Holder != holder))
        {
            return 0;
        }
        var referenced = new HashSet<string>(store.ReceiptFiles(), StringComparer.Ordinal);
        foreach (var version in ManifestStore.ListVersions(tablePath))
        {
            foreach (var fragment in ManifestStore.Read(tablePath, version).Fragments)
            {
                referenced.UnionWith(fragment.Files.Select(f => f.Path));
            }
        }
        var deleted = 0;
        foreach (var file in candidates)
        {
            var name = Path.GetFileName(file);
            if (!DurableFile.IsTemp(name) && referenced.Contains($"{Folder}/{name}"))
            {
                continue;
            }
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still open or not ours to delete: a later job collects it.
            }
        }
        return deleted;
    }
}
