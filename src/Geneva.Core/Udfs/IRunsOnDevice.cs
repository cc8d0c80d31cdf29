namespace Geneva.Core.Udfs;

/// <summary>
/// A UDF that chose a device when it was set up (a model on "auto"): its checkpoints record which
/// one, so the job shows where it really ran.
/// </summary>
public interface IRunsOnDevice
{
    /// <summary>For example cpu, cuda:0.</summary>
    string DeviceName { get; }
}
