namespace Geneva.Cluster.Grains;

/// <summary>A dispatcher's inbox on its own silo (key <c>&lt;silo&gt;/dispatcher/&lt;id&gt;</c>): the slots' answers and UDF bytes.</summary>
public interface IDispatcherGrain : IGrainWithStringKey
{
    /// <summary>A worker protocol line (receipt, done, failed, output) for a dispatch.</summary>
    Task Report(long dispatchId, string line);

    /// <summary>The dispatch's worker process ended or the node gave it up: the dispatcher re-sends the rest.</summary>
    Task Lost(long dispatchId, string reason);

    /// <summary>Bytes of a UDF file a task named (only those), for a node that lacks it.</summary>
    Task<UdfChunk> ReadUdf(string path, long offset, int count);
}
