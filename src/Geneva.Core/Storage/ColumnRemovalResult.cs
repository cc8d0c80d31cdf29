namespace Geneva.Core.Storage;

/// <summary>What removing columns did: the version it made and what it forgot with the columns.</summary>
public sealed record ColumnRemovalResult(
    GenevaTable Table,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Unbound,
    IReadOnlyList<string> ForgottenJobs,
    int ForgottenCheckpoints);
