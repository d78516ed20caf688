namespace Netfence.Bpf.Sdk;

/// <summary>Return values of cgroup_skb programs.</summary>
public static class CgroupSkbVerdict
{
    /// <summary>Let the packet through.</summary>
    public const int Allow = 1;
    /// <summary>Drop the packet.</summary>
    public const int Drop = 0;
}
