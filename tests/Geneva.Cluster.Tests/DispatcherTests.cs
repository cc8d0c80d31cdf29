using Geneva.Cluster.Dispatch;
using Geneva.Cluster.Grains;
using Geneva.Core.Checkpoints;
using Geneva.Core.Execution;
using Geneva.Core.Execution.Workers;
using Geneva.Core.Planning;
using Geneva.Core.Tests;

namespace Geneva.Cluster.Tests;

/// <summary>The dispatcher's bookkeeping, with slots that only record what they are sent (the cluster tests run real ones).</summary>
public sealed class DispatcherTests
{
    private sealed class RecordingSlots : ISlotChannel
    {
        public List<(SlotRef Slot, SlotAssignment Assignment)> Started { get; } = [];

        public List<long> Abandoned { get; } = [];

        public Task Start(SlotRef slot, SlotAssignment assignment)
        {
            lock (Started)
            {
                Started.Add((slot, assignment));
            }
            return System.Threading.Tasks.Task.CompletedTask;
        }

        public Task Abandon(SlotRef slot, long dispatchId)
        {
            lock (Abandoned)
            {
                Abandoned.Add(dispatchId);
            }
            return System.Threading.Tasks.Task.CompletedTask;
        }

        /// <summary>Waits (bounded) for the n-th start: grain calls go out on the thread pool.</summary>
        public (SlotRef Slot, SlotAssignment Assignment) WaitFor(int n)
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until)
            {
                lock (Started)
                {
                    if (Started.Count >= n)
                    {
                        return Started[n - 1];
                    }
                }
                Thread.Sleep(5);
            }
            throw new TimeoutException($"No start number {n}.");
        }

        /// <summary>Waits (bounded) until <paramref name="dispatchId"/> was abandoned: that call goes out on the thread pool too.</summary>
        public bool WaitForAbandoned(long dispatchId)
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until)
            {
                lock (Abandoned)
                {
                    if (Abandoned.Contains(dispatchId))
                    {
                        return true;
                    }
                }
                Thread.Sleep(5);
            }
            return false;
        }
    }

    private readonly RecordingSlots _slots = new();
    private readonly List<WorkerMessage> _sent = [];
    private long _clock;

    private Dispatcher Create(int slots = 1, int instances = 1) =>
        new("silo/dispatcher/test", _slots, slots, instances, TimeSpan.FromSeconds(10), m => { lock (_sent) { _sent.Add(m); } }, () => _clock);

    private static TaskSpec Spec(int offset = 0, int rows = 100) => new("job", "/t", 1, "c", TestData.Expression("id"), null, 0,
        FragmentMode.All, "f0", offset, rows);

    private static WorkerMessage TaskLine(int number, TaskSpec spec) =>
        new() { Type = WorkerMessage.Task, TaskNumber = number, Spec = spec, Sizing = new CheckpointSizing(10, 100, 1) };

    private static WorkerMessage Receipt(int start, int rows) => new()
    {
        Type = WorkerMessage.Receipt,
        CheckpointReceipt = new CheckpointReceipt("f0", 0, start, rows, rows, "file", 1, "x", rows, 0, 0, []),
    };

    [Fact]
    public void Report_LateReceiptOfDispatchGivenUpOnDeadline_IsDropped()
    {
        var dispatcher = Create();
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 1)]);
        dispatcher.Submit(TaskLine(7, Spec()));
        var first = _slots.WaitFor(1).Assignment.DispatchId;

        _clock += 11_000;
        dispatcher.Tick();
        var second = _slots.WaitFor(2).Assignment.DispatchId;
        dispatcher.Report(first, Receipt(0, 10));
        dispatcher.Report(second, Receipt(0, 10));

        Assert.NotEqual(first, second);
        Assert.Equal(1, dispatcher.StaleDropped);
        Assert.Single(_sent, m => m.Type == WorkerMessage.Receipt);
        Assert.Equal(7, _sent.Single(m => m.Type == WorkerMessage.Receipt).TaskNumber);
        Assert.True(_slots.WaitForAbandoned(first), $"Dispatch {first} was never abandoned.");
        Assert.Contains(_sent, m => m.Type == WorkerMessage.Notice && m.Message!.Contains("no checkpoint for 10 s"));
    }

    [Fact]
    public void Lost_AfterAReceipt_ResendsTheRestFromTheLastReceipt()
    {
        var dispatcher = Create();
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 1)]);
        dispatcher.Submit(TaskLine(3, Spec(0, 100)));
        var first = _slots.WaitFor(1).Assignment;
        dispatcher.Report(first.DispatchId, Receipt(0, 40));

        dispatcher.Lost(first.DispatchId, "worker died");
        var again = WorkerMessage.TryParse(_slots.WaitFor(2).Assignment.TaskLine)!.Spec!;

        Assert.Equal((40, 60), (again.Offset, again.RowCount));
    }

    [Fact]
    public void Lost_ThreeAttempts_TaskFailsWithItsSessionNumber()
    {
        var dispatcher = Create();
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 1)]);
        dispatcher.Submit(TaskLine(5, Spec()));

        for (var attempt = 1; attempt <= Dispatcher.MaxAttempts; attempt++)
        {
            dispatcher.Lost(_slots.WaitFor(attempt).Assignment.DispatchId, "worker died");
        }

        var failed = Assert.Single(_sent, m => m.Type == WorkerMessage.Failed);
        Assert.Equal(5, failed.TaskNumber);
        Assert.Contains("3 attempts failed", failed.Message);
        Assert.Equal(3, _slots.Started.Count);
        Assert.False(dispatcher.Busy);
    }

    [Fact]
    public void UpdateNodes_TwoSlotsOnThreeNodes_SpreadsOverTwoNodes()
    {
        var dispatcher = Create(slots: 2);
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 2), new NodeEntry("b", "n2", 2), new NodeEntry("c", "n3", 2)]);
        dispatcher.Submit(TaskLine(1, Spec()));
        dispatcher.Submit(TaskLine(2, Spec(100)));

        Assert.Equal(["a", "b"], dispatcher.Slots.Select(s => s.Node));
        Assert.Equal(2, new[] { _slots.WaitFor(1).Slot.Node, _slots.WaitFor(2).Slot.Node }.Distinct().Count());
    }

    [Fact]
    public void UpdateNodes_NodeWithTaskGone_ResendsOnAnotherNode()
    {
        var dispatcher = Create(slots: 2);
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 1), new NodeEntry("b", "n2", 1)]);
        dispatcher.Submit(TaskLine(1, Spec()));
        var first = _slots.WaitFor(1);

        dispatcher.UpdateNodes([new NodeEntry(first.Slot.Node == "a" ? "b" : "a", "other", 1)]);

        Assert.NotEqual(first.Slot.Node, _slots.WaitFor(2).Slot.Node);
        Assert.Contains(_sent, m => m.Type == WorkerMessage.Notice && m.Message!.Contains("left the cluster with 1 task(s) in flight"));
    }

    [Fact]
    public void CapacityWarning_FewerSlotsThanAsked_SaysWhatRuns()
    {
        var dispatcher = Create(slots: 8);
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 2), new NodeEntry("b", "n2", 2), new NodeEntry("c", "n3", 2)]);

        Assert.Equal("Concurrency 8 asks for more than the cluster offers (6 slots on 3 nodes); running 6.", dispatcher.CapacityWarning());
    }

    [Fact]
    public void Tick_WhileBusy_SendsHeartbeats()
    {
        var dispatcher = Create();
        dispatcher.UpdateNodes([new NodeEntry("a", "n1", 1)]);
        dispatcher.Submit(TaskLine(1, Spec()));

        _clock += 600;
        dispatcher.Tick();

        Assert.Contains(_sent, m => m.Type == WorkerMessage.Heartbeat);
    }

    [Fact]
    public void Tick_NoNodeForTheCheckpointTimeout_FailsWaitingTasks()
    {
        var dispatcher = Create();
        dispatcher.Submit(TaskLine(4, Spec()));
        dispatcher.Tick();

        _clock += 10_001;
        dispatcher.Tick();

        var failed = Assert.Single(_sent, m => m.Type == WorkerMessage.Failed);
        Assert.Equal(4, failed.TaskNumber);
        Assert.Contains("No worker node", failed.Message);
    }
}
