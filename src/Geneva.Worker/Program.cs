using Geneva.Core.Execution.Workers;

// Worker process for .NET and expression UDFs. Usage: Geneva.Worker [--instances N]
return WorkerHost.RunConsole(args);
