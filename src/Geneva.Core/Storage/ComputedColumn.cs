namespace Geneva.Core.Storage;

/// <summary>
/// A column bound to a UDF, as rows written into it must know it: values given for it are refused,
/// or (<see cref="TableWriteOptions.KeepComputedValues"/>) written to a file of their own whose
/// provenance says the current UDF version computed them from the fragment's input files.
/// </summary>
internal sealed record ComputedColumn(int FieldId, string Name, string UdfName, string UdfVersion, IReadOnlyList<int> InputFieldIds)
{
    public static IReadOnlyList<ComputedColumn> Of(TableManifest manifest) =>
        manifest.Bindings.Select(b =>
        {
            var field = manifest.GetField(b.Key);
            var inputs = b.Value.InputColumns.Select(c => manifest.FindField(c)?.Id).OfType<int>().ToList();
            return new ComputedColumn(field.Id, field.Name, b.Value.Name, b.Value.EffectiveVersion, inputs);
        }).ToList();
}
