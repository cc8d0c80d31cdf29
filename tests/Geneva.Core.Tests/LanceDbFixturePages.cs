using System.Text.Json;
using Geneva.Core.Storage.Lance;
using Geneva.Core.Storage.Lance.Files;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Tests;

/// <summary>
/// The LanceDB-made datasets of Fixtures/lance/fullzip (make_fullzip_fixtures.mjs): their one data file, each
/// column's raw 2.1 page layouts (unchecked, so a test can assert what LanceDB chose) and LanceDB's own scan.
/// </summary>
internal static class LanceDbFixturePages
{
    public static string Folder { get; } = Path.Combine(TestData.Repo, "tests", "Geneva.Core.Tests", "Fixtures", "lance", "fullzip");

    /// <summary>The data file of the single-fragment dataset <paramref name="table"/>.</summary>
    public static string DataFile(string table) => Directory.GetFiles(Path.Combine(Folder, table + ".lance", "data"), "*.lance").Single();

    /// <summary>LanceDB's scan: column name to its values (JSON null, number, string, base64 or array).</summary>
    public static Dictionary<string, JsonElement[]> Expected(string table)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, table + ".json")));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.Clone()).ToArray());
    }

    /// <summary>The 2.1 page layouts and buffers of column <paramref name="column"/>, as stored.</summary>
    public static List<(PageLayout Layout, byte[][] Buffers, int Rows)> Pages21(string table, string column)
    {
        using var file = new LanceFileSource(DataFile(table));
        var footer = LanceFileTail.ReadFooter(file);
        var tail = LanceFileTail.Read(file, footer);
        var index = tail.Fields.Where(f => f.ParentId == -1).Select(f => f.Name).ToList().IndexOf(column);
        var metadata = tail.ReadColumnMetadata(index, column);
        var (pages, _) = LanceColumnPages.Read(file, column, metadata,
            (encoding, _) => LanceColumnPages.ParseEncoding(file, column, encoding, "lance.encodings21.PageLayout", PageLayout.Parser, ""),
            (_, _) => { });
        return pages.Select(p => (p.Layout, p.BufferOffsets.Select((o, b) => file.ReadBytes(o, p.BufferSizes[b], column)).ToArray(), p.Rows)).ToList();
    }
}
