using Geneva.Core.Execution.Workers;

// Worker process for .NET and expression UDFs: the protocol on stdin/stdout, diagnostics on stderr.
// Usage: Geneva.Worker [--instances N]
var instances = 1;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--instances" && int.TryParse(args[i + 1], out var n) && n > 0)
    {
        instances = n;
    }
}
return new WorkerHost(Console.In, Console.Out, instances).Run();
