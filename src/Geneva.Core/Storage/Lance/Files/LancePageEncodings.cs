using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// Lists the page encodings of a Lance 2.1 data file, whatever Geneva can decode (for tests that check a fixture
/// holds the encoding it is meant to, and for the decode bench). Reads only the tail and the column metadata.
/// </summary>
internal static class LancePageEncodings
{
    private const string PageLayoutType = "lance.encodings21.PageLayout";

    public static IReadOnlyList<LancePageEncoding> Read(string path) => LanceFileSource.Open(path, file =>
    {
        var footer = LanceFileTail.ReadFooter(file);
        if ((footer.Major, footer.Minor) != (2, 1))
        {
            throw LanceFileErrors.Unsupported(path, null, $"file format version {footer.Major}.{footer.Minor} (pages are listed for 2.1)");
        }
        var tail = LanceFileTail.Read(file, footer);
        var result = new List<LancePageEncoding>();
        var column = 0;
        foreach (var top in tail.Fields.Where(f => f.ParentId == -1))
        {
            var metadata = tail.ReadColumnMetadata(column++, top.Name);
            for (var i = 0; i < metadata.Pages.Count; i++)
            {
                var p = metadata.Pages[i];
                var layout = LanceColumnPages.ParseEncoding(file, top.Name, p.Encoding, PageLayoutType, PageLayout.Parser, "");
                result.Add(new LancePageEncoding(top.Name, top.Id, i, (long)p.Length, p.BufferSizes.Aggregate(0UL, (a, b) => a + b), Describe(layout)));
            }
        }
        return result;
    });

    /// <summary>A page layout in a line, e.g. <c>mini-block InlineBitpacking, def OutOfLineBitpacking(Flat)</c>.</summary>
    public static string Describe(PageLayout layout) => layout.LayoutCase switch
    {
        PageLayout.LayoutOneofCase.MiniBlockLayout => "mini-block " + LanceValueCompression.Describe(layout.MiniBlockLayout.ValueCompression) +
            (layout.MiniBlockLayout.Dictionary is { } d ? ", dictionary " + LanceValueCompression.Describe(d) : "") +
            (layout.MiniBlockLayout.DefCompression is { } def ? ", def " + LanceValueCompression.Describe(def) : "") +
            (layout.MiniBlockLayout.RepCompression is { } rep ? ", rep " + LanceValueCompression.Describe(rep) : ""),
        PageLayout.LayoutOneofCase.FullZipLayout => "full-zip " + LanceValueCompression.Describe(layout.FullZipLayout.ValueCompression) +
            (layout.FullZipLayout.BitsRep > 0 ? ", rep" : "") + (layout.FullZipLayout.BitsDef > 0 ? ", def" : ""),
        PageLayout.LayoutOneofCase.AllNullLayout => "all-null",
        _ => layout.LayoutCase.ToString(),
    };
}
