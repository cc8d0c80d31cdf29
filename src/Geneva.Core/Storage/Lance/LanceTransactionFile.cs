using Geneva.Core.Storage.Lance.Proto;
using Google.Protobuf;

namespace Geneva.Core.Storage.Lance;

/// <summary>
/// A commit's <c>lance.table.Transaction</c>: in its own file <c>_transactions/{read_version}-{uuid}.txn</c>
/// (the bare protobuf message, named by the manifest's <c>transaction_file</c>) and, in what LanceDB 0.31
/// writes, also inline in the manifest, in the section <c>transaction_section</c> points at.
/// </summary>
internal static class LanceTransactionFile
{
    public const string TransactionsFolder = "_transactions";
    public const string Extension = ".txn";

    /// <summary>The file name lance gives a transaction: <c>{read_version}-{uuid}.txn</c>.</summary>
    public static string FileName(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return $"{transaction.ReadVersion}-{transaction.Uuid}{Extension}";
    }

    /// <summary>The transaction in <c>_transactions/<paramref name="fileName"/></c> of the dataset.</summary>
    public static Transaction Read(string datasetPath, string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var path = Path.Combine(datasetPath, TransactionsFolder, fileName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt, $"The Lance transaction file '{path}' is missing.", path, e);
        }
        return Parse(bytes, path);
    }

    /// <summary>The transaction inline in the manifest file; null when it has no transaction section.</summary>
    public static Transaction? ReadInline(LanceManifestFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Manifest.HasTransactionSection
            ? Parse(file.ReadSection(file.Manifest.TransactionSection).Span, "transaction section of manifest version " + file.Manifest.Version)
            : null;
    }

    /// <summary>
    /// The transaction that made <paramref name="version"/> of the dataset: the manifest's inline section
    /// when it has one, else its transaction file; null when the manifest names neither.
    /// </summary>
    public static Transaction? ForVersion(string datasetPath, ulong version)
    {
        var file = LanceManifestFile.Read(LanceVersions.ManifestPath(datasetPath, version));
        if (ReadInline(file) is { } inline)
        {
            return inline;
        }
        return string.IsNullOrEmpty(file.Manifest.TransactionFile) ? null : Read(datasetPath, file.Manifest.TransactionFile);
    }

    public static Transaction Parse(ReadOnlySpan<byte> bytes, string source)
    {
        try
        {
            return Transaction.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new GenevaException(GenevaErrorCode.ManifestCorrupt,
                $"The Lance transaction '{source}' is corrupt: it is not a valid Transaction message.", source, e);
        }
    }
}
