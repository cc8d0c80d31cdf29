namespace Geneva.Core.Execution.Workers;

/// <summary>What an executor reports to the coordinator, on the coordinator's thread.</summary>
public abstract record TaskEvent;
