using Netfence.Inspect;

return Inspector.Run(args, Console.Out, Console.Error, terminal: !Console.IsOutputRedirected);
