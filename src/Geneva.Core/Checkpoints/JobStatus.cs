namespace Geneva.Core.Checkpoints;

public enum JobStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Stopped,

    /// <summary>Recorded as running, but its process is gone (killed or crashed): resumable.</summary>
    Interrupted,
}
