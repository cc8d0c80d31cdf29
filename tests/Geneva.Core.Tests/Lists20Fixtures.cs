using System.IO.Compression;
using System.Text.Json;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;
using LanceField = Geneva.Core.Storage.Lance.Proto.Field;
using V20 = Geneva.Core.Storage.Lance.Proto.V20;

namespace Geneva.Core.Tests;

/// <summary>
/// The LanceDB-made 2.0 datasets with list columns of Fixtures/lance/lists20 (make_lists20_fixtures.mjs): their one
/// data file, each column's raw 2.0 page encodings and LanceDB's own scan. pages20 is stored zipped (13 MB of
/// mostly '=' runs) and unzipped once per test run into a temporary folder.
/// </summary>
internal static class Lists20Fixtures
{
    public static string Folder { get; } = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "lists20");

    private static readonly Lazy<string> s_unzipped = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("lists20-").FullName;
        ZipFile.ExtractToDirectory(Path.Combine(Folder, "pages20.lance.zip"), dir);
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(Folder, "pages20.json.gz")), CompressionMode.Decompress))
        using (var json = File.Create(Path.Combine(dir, "pages20.json")))
        {
            gz.CopyTo(json);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, true);
        return dir;
    });

    private static string Where(string table) => table == "pages20" ? s_unzipped.Value : Folder;

    /// <summary>The data file of the single-fragment dataset <paramref name="table"/>.</summary>
    public static string DataFile(string table) => Directory.GetFiles(Path.Combine(Where(table), table + ".lance", "data"), "*.lance").Single();

    /// <summary>LanceDB's scan: column name to its values (JSON null, or an array of null, number or string; int64 as strings).</summary>
    public static Dictionary<string, JsonElement[]> Expected(string table)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Where(table), table + ".json")));
        return doc.RootElement.EnumerateObject().Where(p => p.Name != "types")
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.Clone()).ToArray());
    }

    /// <summary>The 2.0 page encodings and rows of column <paramref name="index"/> (in 2.0 one a field, in schema order), as stored.</summary>
    public static List<(V20.ArrayEncoding Encoding, int Rows)> Pages(string path, int index)
    {
        using var file = new LanceFileSource(path);
        var tail = LanceFileTail.Read(file, LanceFileTail.ReadFooter(file));
        var metadata = tail.ReadColumnMetadata(index, "c");
        var (pages, _) = LanceColumnPages.Read(file, "c", metadata,
            (encoding, _) => LanceColumnPages.ParseEncoding(file, "c", encoding, "lance.encodings.ArrayEncoding", V20.ArrayEncoding.Parser, ""),
            (_, _) => { });
        return pages.Select(p => (p.Layout, p.Rows)).ToList();
    }

    /// <summary>The file's fields (in 2.0 the column of field k is column k).</summary>
    public static LanceField[] Fields(string path)
    {
        using var file = new LanceFileSource(path);
        return LanceFileTail.Read(file, LanceFileTail.ReadFooter(file)).Fields;
    }
}
