using System.Management.Automation;

namespace Geneva.PowerShell.Udfs;

/// <summary>Calls a UDF's scriptblock so that its failures look like the .NET exceptions error policies match.</summary>
internal static class ScriptBlockInvoker
{
    public static object? Invoke(ScriptBlock block, object?[] args)
    {
        try
        {
            return block.InvokeReturnAsIs(args);
        }
        catch (PipelineStoppedException e)
        {
            throw new OperationCanceledException("The pipeline was stopped.", e);
        }
        catch (RuntimeException e) when (e.InnerException is not null and not RuntimeException)
        {
            // `throw [System.IO.IOException]'x'` surfaces wrapped; error policies match the real type.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
