namespace Geneva.Core.Planning;

/// <summary>A row range [Offset, Offset + RowCount) of one fragment: the unit of scheduling.</summary>
public sealed record BackfillTask(int FragmentId, int Offset, int RowCount);
