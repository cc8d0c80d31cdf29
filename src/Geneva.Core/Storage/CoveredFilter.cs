namespace Geneva.Core.Storage;

/// <summary>
/// A filter whose matching rows of a fragment a UDF version computed: its normalized text and the
/// data files of the columns it reads (other than the computed column itself), so that a change to
/// those columns, which changes which rows match, voids it.
/// </summary>
public sealed record CoveredFilter(string Where, IReadOnlyList<string> Files);
