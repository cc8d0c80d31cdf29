using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>
/// A column's pages from its metadata, the same in 2.0 and 2.1 but for the page encoding: each page's
/// rows and buffers checked against the file, and its encoding unwrapped from the protobuf Any.
/// </summary>
internal static class LanceColumnPages
{
    /// <summary>
    /// The pages in order, numbered from row 0; <paramref name="parseLayout"/> turns a page's encoding (given its
    /// buffer count) into its layout, <paramref name="validate"/> checks a page (given its index) against its layout.
    /// </summary>
    public static (LancePage<TLayout>[] Pages, long Rows) Read<TLayout>(LanceFileSource file, string name, ColumnMetadata metadata,
        Func<EncodingLocation?, int, TLayout> parseLayout, Action<LancePage<TLayout>, int> validate)
    {
        var pages = new LancePage<TLayout>[metadata.Pages.Count];
        long row = 0;
        for (var i = 0; i < pages.Length; i++)
        {
            var p = metadata.Pages[i];
            if (p.BufferOffsets.Count != p.BufferSizes.Count || p.Length > int.MaxValue || p.Length == 0)
            {
                throw LanceFileErrors.Corrupt(file.Path, name, $"page {i} has {p.BufferOffsets.Count} buffer offsets, {p.BufferSizes.Count} sizes and {p.Length} rows");
            }
            var offsets = p.BufferOffsets.ToArray();
            var sizes = p.BufferSizes.ToArray();
            for (var b = 0; b < offsets.Length; b++)
            {
                if (offsets[b] > (ulong)file.Length || sizes[b] > (ulong)file.Length - offsets[b])
                {
                    throw LanceFileErrors.Corrupt(file.Path, name, $"buffer {b} of page {i} lies past the end of the file");
                }
            }
            var page = new LancePage<TLayout>(row, (int)p.Length, offsets, sizes, parseLayout(p.Encoding, offsets.Length));
            validate(page, i);
            pages[i] = page;
            row += page.Rows;
        }
        return (pages, row);
    }

    /// <summary>
    /// A page encoding stored directly as a protobuf Any of type <paramref name="typeName"/>; another type is
    /// unsupported (<paramref name="context"/> ends the message), bad protobuf is corrupt.
    /// </summary>
    public static T ParseEncoding<T>(LanceFileSource file, string name, EncodingLocation? encoding, string typeName,
                                     MessageParser<T> parser, string context) where T : IMessage<T>
    {
        if (encoding?.LocationCase != EncodingLocation.LocationOneofCase.Direct)
        {
            throw LanceFileErrors.Unsupported(file.Path, name, $"a page encoding stored as {encoding?.LocationCase.ToString() ?? "nothing"}");
        }
        try
        {
            var any = Any.Parser.ParseFrom(encoding.Direct.Encoding);
            if (!any.TypeUrl.EndsWith("/" + typeName, StringComparison.Ordinal))
            {
                throw LanceFileErrors.Unsupported(file.Path, name, $"the page encoding '{any.TypeUrl}'{context}");
            }
            return parser.ParseFrom(any.Value);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw LanceFileErrors.Corrupt(file.Path, name, "a page encoding is not valid protobuf", e);
        }
    }
}
