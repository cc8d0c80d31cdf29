using Geneva.Cluster.Host;

// Geneva.Cluster.Host <node|dispatch|status|stop> [--option value ...]; see BUILD.md and the cluster section of README.md.
try
{
    var options = new CommandLine(args.Skip(1));
    return args.FirstOrDefault() switch
    {
        "node" => await NodeMode.Run(options),
        "dispatch" => await DispatchMode.Run(options),
        "status" => await ToolModes.Status(options),
        "stop" => await ToolModes.Stop(options),
        _ => throw new UsageException("Usage: Geneva.Cluster.Host <node|dispatch|status|stop> [--option value ...]"),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 64;
}
