using System.Collections.Concurrent;
using Geneva.Cluster.Grains;
using Geneva.Core;
using Geneva.Core.Udfs;

namespace Geneva.Cluster.Node;

/// <summary>
/// Makes a UDF's files (a .NET assembly; a model's weights and module assembly) present on this node
/// with the bytes it was bound with: the shared path when it has them, else a copy fetched from the
/// dispatcher in chunks into the cache folder (by content hash, so a copy serves every later task),
/// with the private dependencies the UDF's assemblies load from their folder (<see cref="UdfDependencies"/>).
/// A copy is used once a marker file says that all of it arrived.
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
        var complete = Path.Combine(dir, ".complete");
        var gate = _fetching.GetOrAdd(hash, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (!File.Exists(complete) || !copies.All(File.Exists) || UdfSourceHash.OfFiles(copies) != hash)
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
                for (var i = 0; i < files.Length; i++)
                {
                    if (UdfDependencies.IsAssembly(files[i]))
                    {
                        await FetchDependencies(files[i], copies[i], dir, read);
                    }
                }
                await File.WriteAllTextAsync(complete, "");
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

    /// <summary>
    /// The assemblies the fetched <paramref name="local"/> references that the dispatcher has beside its
    /// <paramref name="remote"/>, and theirs in turn, fetched into <paramref name="dir"/> under their own names.
    /// </summary>
    private static async Task FetchDependencies(string remote, string local, string dir, ReadChunk read)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Path.GetFileNameWithoutExtension(local) };
        var pending = new Queue<string>([local]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var name in UdfDependencies.ReferencesOf(assembly))
            {
                if (seen.Add(name) && UdfDependencies.Beside(remote, name) is { } source)
                {
                    var target = Path.Combine(dir, name + ".dll");
                    if (await Fetch(source, target, read))
                    {
                        pending.Enqueue(target);
                    }
                }
            }
        }
    }

    /// <returns>False when the dispatcher has no such file (a dependency the UDF's folder lacks).</returns>
    private static async Task<bool> Fetch(string remote, string local, ReadChunk read)
    {
        var temp = local + $".{Environment.ProcessId}.part";
        await using (var file = File.Create(temp))
        {
            long offset = 0;
            while (true)
            {
                var chunk = await read(remote, offset, UdfChunk.MaxBytes);
                if (chunk.IsAbsent)
                {
                    file.Close();
                    File.Delete(temp);
                    return false;
                }
                await file.WriteAsync(chunk.Data);
                offset += chunk.Data.Length;
                if (offset >= chunk.Length || chunk.Data.Length == 0)
                {
                    break;
                }
            }
        }
        File.Move(temp, local, overwrite: true);
        return true;
    }
}
