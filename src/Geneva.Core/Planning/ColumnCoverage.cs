using Geneva.Core.Expressions;
using Geneva.Core.Storage;

namespace Geneva.Core.Planning;

/// <summary>
/// Which rows of a fragment's column the current UDF version has computed, read from the
/// provenance its data files carry in the manifest (so it travels with the table, not with the
/// job database). A remembered filter counts only while the columns it reads are unchanged.
/// </summary>
internal sealed record ColumnCoverage(CoverageState State, IReadOnlyList<CoveredFilter> Filters)
{
    public bool Covers(string normalizedWhere) => Filters.Any(f => f.Where == normalizedWhere);

    public static ColumnCoverage Of(GenevaTable table, FragmentEntry fragment, SchemaField field, string udfVersion,
        IReadOnlyList<string> inputFiles)
    {
        var files = fragment.FilesFor(field.Id);
        if (files.Count == 0)
        {
            return new(CoverageState.NoValues, []);
        }
        var provenance = files[0].ProvenanceOf(field.Id);
        if (provenance is null || provenance.UdfVersion != udfVersion ||
            files.Any(f => f.ProvenanceOf(field.Id) is not { } p || p.UdfVersion != udfVersion || !p.InputFiles.SequenceEqual(inputFiles)))
        {
            return new(CoverageState.Stale, []);
        }
        switch (provenance.Complete)
        {
            case true:
                return new(CoverageState.Complete, []);
            case null:
                return new(CoverageState.Legacy, []);
        }
        var valid = (provenance.Filters ?? []).Where(f => StillValid(table, fragment, field, f)).ToList();
        return valid.Count == 0 ? new(CoverageState.Stale, []) : new(CoverageState.Partial, valid);
    }

    /// <summary>The files of the columns <paramref name="where"/> reads, other than the computed column.</summary>
    public static IReadOnlyList<string> FilterFiles(GenevaTable table, FragmentEntry fragment, SchemaField field, SqlExpression where) =>
        BackfillPlanner.FilesOf(fragment, where.Columns.Select(table.Manifest.GetField).Where(f => f.Id != field.Id));

    private static bool StillValid(GenevaTable table, FragmentEntry fragment, SchemaField field, CoveredFilter filter)
    {
        try
        {
            var where = BackfillPlanner.ParseFilter(table, filter.Where)!;
            return FilterFiles(table, fragment, field, where).SequenceEqual(filter.Files);
        }
        catch (GenevaException)
        {
            return false; // a column it reads is gone or changed type: its rows no longer tell
        }
    }
}
