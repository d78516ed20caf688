using Netfence.Daemon.Cli;

return await NetfencedCli.RunAsync(args);
