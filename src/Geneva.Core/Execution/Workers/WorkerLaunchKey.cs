using System.Diagnostics;

namespace Geneva.Core.Execution.Workers;

/// <summary>What makes two worker launches interchangeable for <see cref="WorkerPool"/>: program, arguments and environment.</summary>
public static class WorkerLaunchKey
{
    public static string Of(ProcessStartInfo info)
    {
        var environment = info.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}");
        return string.Join("\n", new[] { info.FileName, string.Join(" ", info.ArgumentList) }.Concat(environment));
    }
}
