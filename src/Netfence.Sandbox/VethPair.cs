namespace Netfence.Sandbox;

/// <summary>
/// A veth pair with one end in each namespace, addressed (/24) and up. Deleting either end
/// deletes both; dispose does so if the namespaces have not already taken them away.
/// </summary>
public sealed class VethPair : IDisposable
{
    public VethPair(SandboxNamespace first, string firstAddress, SandboxNamespace second, string secondAddress)
    {
        First = first;
        Second = second;
        var stem = UniqueName.Next();
        FirstName = stem + "a";
        SecondName = stem + "b";
        FirstAddress = firstAddress;
        SecondAddress = secondAddress;
        Command.Run("ip", "link", "add", FirstName, "netns", first.Name, "type", "veth", "peer", "name", SecondName, "netns", second.Name);
        try
        {
            Command.Run("ip", "-n", first.Name, "addr", "add", firstAddress + "/24", "dev", FirstName);
            Command.Run("ip", "-n", second.Name, "addr", "add", secondAddress + "/24", "dev", SecondName);
            Command.Run("ip", "-n", first.Name, "link", "set", FirstName, "up");
            Command.Run("ip", "-n", second.Name, "link", "set", SecondName, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public SandboxNamespace First { get; }
    public SandboxNamespace Second { get; }
    public string FirstName { get; }
    public string SecondName { get; }
    public string FirstAddress { get; }
    public string SecondAddress { get; }

    public void Dispose()
    {
        if (SandboxNamespace.Exists(First.Name) && Command.Try("ip", "-n", First.Name, "link", "show", FirstName).ExitCode == 0)
            Command.Run("ip", "-n", First.Name, "link", "del", FirstName);
    }
}
