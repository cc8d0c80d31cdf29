using Geneva.Core.Execution.Workers;

// Worker process for .NET and expression UDFs. Usage: Geneva.Worker [--instances N]
StartupTrace.Mark("worker:main");
return WorkerHost.RunConsole(args);
