using System.Collections.Concurrent;
using Geneva.Cluster.Grains;
using Geneva.Core;
using Geneva.Core.Udfs;

namespace Geneva.Cluster.Node;

/// <summary>
/// Makes a UDF's files (a .NET assembly; a model's weights and module assembly) present on this node
/// with the bytes it was bound with: the shared path when it has them, else a copy fetched from the
/// dispatcher in chunks into the cache folder (by content hash, so a copy serves every later task).
/// </summary>
public sealed class UdfFileCache(string folder, bool alwaysFetch)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetching = new();

    public delegate Task<UdfChunk> ReadChunk(string path, long offset, int count);

    /// <summary>The spec to run here: unchanged, or pointing at the cached copies.</summary>
    public async Task<UdfSpec> Resolve(UdfSpec udf, ReadChunk read)
    {
        var files = UdfSourceHash.FilesOf(udf);
        if (files.Length == 0 || udf.SourceHash is not { } hash)
        {
            return udf;
        }
        if (!alwaysFetch && files.All(File.Exists) && Matches(udf))
        {
            return udf;
        }
        var dir = Path.Combine(folder, hash);
        var copies = files.Select((f, i) => Path.Combine(dir, $"{i}-{Path.GetFileName(f)}")).ToArray();
        var gate = _fetching.GetOrAdd(hash, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (!copies.All(File.Exists) || UdfSourceHash.OfFiles(copies) != hash)
            {
                Directory.CreateDirectory(dir);
                for (var i = 0; i < files.Length; i++)
                {
                    await Fetch(files[i], copies[i], read);
                }
                if (UdfSourceHash.OfFiles(copies) is var got && got != hash)
                {
                    throw new GenevaException(GenevaErrorCode.UdfChanged,
                        $"UDF '{udf.Name}': the dispatcher's '{string.Join("' and '", files)}' hash to {got}, not {hash}.", udf.Name);
                }
            }
        }
        finally
        {
            gate.Release();
        }
        return udf with { Source = copies[0], ModuleAssembly = copies.Length > 1 ? copies[1] : udf.ModuleAssembly };
    }

    private static bool Matches(UdfSpec udf)
    {
        try
        {
            UdfSourceHash.Verify(udf);
            return true;
        }
        catch (GenevaException)
        {
            return false;
        }
    }

    private static async Task Fetch(string remote, string local, ReadChunk read)
    {
        var temp = local + $".{Environment.ProcessId}.part";
        await using (var file = File.Create(temp))
        {
            long offset = 0;
            while (true)
            {
                var chunk = await read(remote, offset, UdfChunk.MaxBytes);
                await file.WriteAsync(chunk.Data);
                offset += chunk.Data.Length;
                if (offset >= chunk.Length || chunk.Data.Length == 0)
                {
                    break;
                }
            }
        }
        File.Move(temp, local, overwrite: true);
    }
}
