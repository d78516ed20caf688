namespace Netfence.Sandbox;

/// <summary>A fresh network namespace (<c>ip netns add</c>) with loopback up; deleted on dispose.</summary>
public sealed class SandboxNamespace : IDisposable
{
    public SandboxNamespace()
    {
        Name = UniqueName.Next();
        Command.Run("ip", "netns", "add", Name);
        try
        {
            Command.Run("ip", "-n", Name, "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>The namespace file, as taken by setns and by the library's NamespacePath options.</summary>
    public string Path => $"/var/run/netns/{Name}";

    /// <summary>Runs a command inside the namespace and returns its result.</summary>
    public Command.Result Exec(string file, params string[] args)
        => Command.Try("ip", ["netns", "exec", Name, file, .. args]);

    /// <summary>Runs a command inside the namespace and throws unless it exits 0.</summary>
    public string Run(string file, params string[] args)
        => Command.Run("ip", ["netns", "exec", Name, file, .. args]);

    /// <summary>True while <c>ip netns list</c> still names this namespace.</summary>
    public static bool Exists(string name)
        => Command.Run("ip", "netns", "list").Split('\n').Any(l => l.Split(' ')[0] == name);

    public void Dispose()
    {
        if (Exists(Name)) Command.Run("ip", "netns", "del", Name);
    }
}
