using Netfence.Dns.Wire;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// What a <see cref="HostileDnsServer"/> answers for one question: NOERROR with these sections, written as given —
/// records for any owner, in any order, in any section, which is what a compromised or malicious upstream can send.
/// </summary>
/// <param name="Answers">The answer section.</param>
/// <param name="Authorities">The authority section.</param>
/// <param name="Additionals">The additional section.</param>
public sealed record ScriptedAnswer(IReadOnlyList<DnsRecord> Answers, IReadOnlyList<DnsRecord>? Authorities = null, IReadOnlyList<DnsRecord>? Additionals = null);
