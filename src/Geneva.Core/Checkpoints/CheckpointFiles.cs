using System.IO.Hashing;

namespace Geneva.Core.Checkpoints;

/// <summary>Checks on checkpoint files: whether one can be reused as its receipt describes it.</summary>
public static class CheckpointFiles
{
    /// <summary>
    /// Whether a receipt's file is there, has its size, and hashes to its checksum (XxHash3 over the
    /// whole file, as the writer computed it while writing). A damaged checkpoint is recomputed, never
    /// trusted; reading it back costs about what writing it did.
    /// </summary>
    public static bool Verify(string tablePath, CheckpointReceipt receipt)
    {
        var path = Path.Combine(tablePath, receipt.File);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length != receipt.Bytes)
            {
                return false;
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
}
