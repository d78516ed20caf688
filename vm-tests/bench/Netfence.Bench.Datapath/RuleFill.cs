using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Netfence.Datapath;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Bench.Datapath;

/// <summary>
/// Fills the shared IPv4 trie with a given number of rules through <see cref="RuleSetWriter"/> (batched updates),
/// the way the daemon would: random /32 hosts in 10.0.0.0/8 (what DNS learning produces), allowlist mode. One
/// attachment may hold at most <see cref="PolicyLimits.MaxCidrsPerList"/> CIDRs, so beyond that the rest belongs to
/// other attachments: the trie holds the stated total, and the attachment under test holds its share.
/// </summary>
internal sealed class RuleFill
{
    private const uint TenSlashEight = 10u << 24;
    private const int FillerIfindexBase = 1_000_000;

    private readonly RuleSetWriter _writer;
    private readonly List<AttachmentTarget> _written = [];

    private RuleFill(RuleSetWriter writer) => _writer = writer;

    /// <summary>A destination the attachment under test allows (one of its rules).</summary>
    public IPAddress Allowed { get; private set; } = IPAddress.None;

    /// <summary>A destination in 10.0.0.0/8 that no rule covers.</summary>
    public IPAddress Missed { get; private set; } = IPAddress.None;

    /// <summary>Rules of the attachment under test.</summary>
    public int TestedRules { get; private set; }

    /// <summary>Time spent writing every rule set.</summary>
    public TimeSpan FillTime { get; private set; }

    /// <summary>
    /// Writes <paramref name="total"/> rules: the first <see cref="PolicyLimits.MaxCidrsPerList"/> to
    /// <paramref name="tested"/>, the rest to filler interface attachments (no such devices exist; the entries
    /// only occupy the trie). <paramref name="extra"/> joins the tested attachment's allow list.
    /// </summary>
    public static RuleFill Write(RuleSetWriter writer, AttachmentTarget tested, int total, int seed, AttachmentSettings settings,
        params IPNetwork[] extra)
    {
        var fill = new RuleFill(writer);
        try
        {
            fill.WriteAll(tested, total, seed, settings, extra);
            return fill;
        }
        catch
        {
            fill.Remove();
            throw;
        }
    }

    private void WriteAll(AttachmentTarget tested, int total, int seed, AttachmentSettings settings, IPNetwork[] extra)
    {
        var rng = new Random(seed);
        var taken = new HashSet<uint>(total);
        var addresses = new uint[total];
        for (int i = 0; i < total; i++)
        {
            uint a;
            do a = TenSlashEight | (uint)rng.Next(1 << 24);
            while (!taken.Add(a));
            addresses[i] = a;
        }
        uint missed;
        do missed = TenSlashEight | (uint)rng.Next(1 << 24);
        while (taken.Contains(missed));

        int perAttachment = PolicyLimits.MaxCidrsPerList;
        TestedRules = Math.Min(total, perAttachment);
        Allowed = Address(addresses[TestedRules / 2]);
        Missed = Address(missed);

        var clock = Stopwatch.StartNew();
        Apply(tested, addresses.AsSpan(0, TestedRules), settings, extra);
        for (int start = TestedRules, n = 0; start < total; start += perAttachment, n++)
        {
            int count = Math.Min(perAttachment, total - start);
            Apply(AttachmentTarget.Interface(FillerIfindexBase + n), addresses.AsSpan(start, count), new AttachmentSettings(), []);
        }
        FillTime = clock.Elapsed;
    }

    private void Apply(AttachmentTarget target, ReadOnlySpan<uint> hosts, AttachmentSettings settings, IPNetwork[] extra)
    {
        var allow = new List<CidrRule>(hosts.Length + extra.Length);
        foreach (var host in hosts) allow.Add(new CidrRule(new IPNetwork(Address(host), 32), null));
        foreach (var network in extra) allow.Add(new CidrRule(network, null));
        _written.Add(target);
        _writer.Apply(target, new RuleSet(PolicyMode.Allowlist, allow, [], DnsPolicy.RefuseAll), settings);
    }

    /// <summary>Removes every attachment this fill wrote (their entries and both rule sets).</summary>
    public void Remove()
    {
        foreach (var target in _written) _writer.Remove(target);
        _written.Clear();
    }

    private static IPAddress Address(uint hostOrder)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, hostOrder);
        return new IPAddress(bytes);
    }
}
