using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Geneva.Core.Udfs;

/// <summary>
/// The hash of a UDF's bytes (its assembly; a model's weights and module assembly; a scriptblock's or
/// expression's text), part of its version, and the check a worker makes before it runs a task: a file
/// rebuilt or retrained after the UDF was bound must not run under the old version.
/// </summary>
public static class UdfSourceHash
{
    /// <summary>Hex characters kept of the SHA-256.</summary>
    public const int Length = 16;

    // path -> (length, last write, hash): rehash a file only when it looks changed.
    private static readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Hash)> s_files = new();

    /// <summary>SHA-256 of the files' bytes one after the other, streamed: weights can be gigabytes.</summary>
    public static string OfFiles(params string[] paths)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var path in paths)
        {
            using var file = File.OpenRead(path);
            for (int read; (read = file.Read(buffer)) > 0;)
            {
                sha.AppendData(buffer, 0, read);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..Length];
    }

    public static string OfBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..Length];

    public static string OfText(string text) => OfBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>The files whose bytes a spec's <see cref="UdfSpec.SourceHash"/> covers (none for text UDFs).</summary>
    public static string[] FilesOf(UdfSpec spec) => spec.Kind switch
    {
        UdfKind.DotNet => [spec.Source],
        UdfKind.Model => spec.ModuleAssembly is null ? [spec.Source] : [spec.Source, spec.ModuleAssembly],
        _ => [],
    };

    /// <summary>
    /// Throws <see cref="GenevaErrorCode.UdfChanged"/> when a UDF's files no longer have the bytes it was
    /// bound with. Cheap when nothing changed: a file is rehashed only when its size or time differs.
    /// </summary>
    public static void Verify(UdfSpec spec)
    {
        var files = FilesOf(spec);
        if (files.Length == 0 || spec.SourceHash is null)
        {
            return;
        }
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new GenevaException(GenevaErrorCode.UdfLoadFailed,
                    $"UDF '{spec.Name}' was bound to '{file}', which no longer exists.", file);
            }
        }
        var now = files.Length == 1 ? OfFileCached(files[0]) : OfFiles(files);
        if (now != spec.SourceHash)
        {
            throw new GenevaException(GenevaErrorCode.UdfChanged,
                $"UDF '{spec.Name}' changed after it was bound: '{string.Join("' and '", files)}' now hash to {now}, " +
                $"not {spec.SourceHash}. Define the UDF again from the rebuilt file and rebind the column, so the new " +
                "code runs as a new version; or restore the file it was bound with.", spec.Name);
        }
    }

    private static string OfFileCached(string path)
    {
        var info = new FileInfo(path);
        if (s_files.TryGetValue(path, out var seen) && seen.Length == info.Length && seen.Written == info.LastWriteTimeUtc)
        {
            return seen.Hash;
        }
        var hash = OfFiles(path);
        s_files[path] = (info.Length, info.LastWriteTimeUtc, hash);
        return hash;
    }
}
