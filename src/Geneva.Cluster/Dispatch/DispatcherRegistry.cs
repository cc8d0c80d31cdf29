using System.Collections.Concurrent;

namespace Geneva.Cluster.Dispatch;

/// <summary>The dispatchers running on this silo, by grain key (one per dispatch process; several in tests).</summary>
public sealed class DispatcherRegistry
{
    private readonly ConcurrentDictionary<string, Dispatcher> _dispatchers = new(StringComparer.Ordinal);

    public void Add(Dispatcher dispatcher) => _dispatchers[dispatcher.Key] = dispatcher;

    public void Remove(Dispatcher dispatcher) => _dispatchers.TryRemove(dispatcher.Key, out _);

    public Dispatcher? Find(string key) => _dispatchers.GetValueOrDefault(key);
}
