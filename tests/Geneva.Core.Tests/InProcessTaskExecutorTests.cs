using Geneva.Core.Execution.Workers;

namespace Geneva.Core.Tests;

/// <summary>The executor contract, run in this process.</summary>
public sealed class InProcessTaskExecutorTests : TaskExecutorContractTests
{
    protected override ITaskExecutor CreateExecutor() => new InProcessTaskExecutor();
}
