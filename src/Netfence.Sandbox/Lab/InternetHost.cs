using System.Net;

namespace Netfence.Sandbox.Lab;

/// <summary>A named host of the local internet: its DNS name, when it has one, and its address.</summary>
public sealed record InternetHost(string? Name, IPAddress Address)
{
    /// <summary>The name, or the address for a host without one.</summary>
    public override string ToString() => Name ?? Address.ToString();
}
