using Geneva.Core.Storage.Lance.Proto;

namespace Geneva.Core.Storage.Lance.Files;

/// <summary>Lance 2.1's all-null layout: a page whose rows are all null has no buffers, only its row count.</summary>
internal static class AllNullEncoding
{
    public static PageLayout Encode()
    {
        var layout = new AllNullLayout();
        layout.Layers.Add(RepDefLayer.RepdefNullableItem);
        return new PageLayout { AllNullLayout = layout };
    }

    public static void Validate(LancePage<PageLayout> page, string path, string column)
    {
        var layers = page.Layout.AllNullLayout.Layers;
        if (layers.Count != 1 || layers[0] != RepDefLayer.RepdefNullableItem)
        {
            throw LanceFileErrors.Unsupported(path, column, $"an all-null page with layers [{string.Join(", ", layers)}]");
        }
    }

    public static void Decode(int count, LanceArrayBuilder builder) => builder.AppendNulls(count);
}
