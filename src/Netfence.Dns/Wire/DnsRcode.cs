namespace Netfence.Dns.Wire;

/// <summary>The response codes the server sends (the low four bits; extended codes are not produced).</summary>
public enum DnsRcode : byte
{
    /// <summary>No error.</summary>
    NoError = 0,
    /// <summary>The query could not be parsed.</summary>
    FormErr = 1,
    /// <summary>The server failed (upstream unreachable, control plane unavailable, allowlist write failed).</summary>
    ServFail = 2,
    /// <summary>The name does not exist (the configurable answer to a blocked name, for musl's resolver).</summary>
    NxDomain = 3,
    /// <summary>The opcode is not supported.</summary>
    NotImp = 4,
    /// <summary>The server refuses to answer (the default answer to a blocked name).</summary>
    Refused = 5,
}
