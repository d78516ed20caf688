using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Dns.EventLoops;
using Netfence.Dns.Filtering;
using Netfence.Dns.Learning;
using Netfence.Dns.Wire;
using Netfence.Protocol.V1;

namespace Netfence.Dns.Serving;

public sealed partial class DnsAttachment
{
    /// <summary>
    /// Answers one message. Returns the response octets, or null when nothing should be sent (not a
    /// query, too broken to answer, or over the rate limit on UDP). Never throws for any input; a bug
    /// becomes SERVFAIL and <see cref="DnsCounters.InternalErrors"/>.
    /// </summary>
    public async ValueTask<byte[]?> HandleAsync(ReadOnlyMemory<byte> packet, Transport transport, CancellationToken cancellationToken)
    {
        var response = await HandleCoreAsync(packet, transport, cancellationToken).ConfigureAwait(false);
        // An upstream answer completes the query on an event loop's thread; the caller's code must not run there, where
        // anything that blocks would stop every attachment of the loop.
        if (EventLoop.Current is not null) await Task.Yield();
        return response;
    }

    /// <summary>
    /// <see cref="HandleAsync"/> for the server's own loops: the continuation of a query that waited runs on the thread
    /// that completed it (an event loop's, for an upstream UDP answer), which then sends the answer.
    /// </summary>
    internal async ValueTask<byte[]?> HandleCoreAsync(ReadOnlyMemory<byte> packet, Transport transport, CancellationToken cancellationToken)
    {
        Counters.CountReceived();
        var error = DnsMessageReader.TryParse(packet.Span, out var query);
        if (error != DnsParseError.None)
        {
            Counters.CountMalformed();
            // Answer FORMERR to what looks like a query; stay silent on everything else (no reflection).
            if (!DnsMessageReader.TryReadHeader(packet.Span, out var id, out var flags) || (flags & 0x8000) != 0) return null;
            return HeaderOnly(id, flags, DnsRcode.FormErr);
        }
        if (query!.IsResponse)
        {
            Counters.CountMalformed();
            return null;
        }
        if (query.Opcode != 0) return HeaderOnly(query.Id, query.Flags, DnsRcode.NotImp);
        if (query.Questions.Count != 1)
        {
            Counters.CountMalformed();
            return HeaderOnly(query.Id, query.Flags, DnsRcode.FormErr);
        }
        int maxSize = transport == Transport.Udp ? Math.Min(query.MaxUdpPayload, _options.MaxUdpResponse) : DnsMessageWriter.MaxMessageSize;
        if (!_rate.TryTake())
        {
            Counters.CountRateLimited();
            return transport == Transport.Udp ? null : Write(DnsMessage.ResponseTo(query, DnsRcode.Refused), maxSize);
        }
        try
        {
            var reply = await AnswerAsync(query, transport, maxSize, cancellationToken).ConfigureAwait(false);
            return reply.Wire ?? Write(reply.Message!, maxSize);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            Counters.CountInternalError();
            _logger.LogError(e, "attachment {Id}: answering a query failed unexpectedly", Id);
            return Write(DnsMessage.ResponseTo(query, DnsRcode.ServFail), maxSize);
        }
    }

    /// <summary>An answer: a message to serialise, or octets ready to send (a cache hit).</summary>
    readonly record struct Reply(DnsMessage? Message, byte[]? Wire)
    {
        public static implicit operator Reply(DnsMessage message) => new(message, null);
    }

    // Not async itself: it hands on the ValueTask of what decides the answer, so a forwarded query that waits for its
    // upstream keeps one state machine fewer alive.
    ValueTask<Reply> AnswerAsync(DnsMessage query, Transport transport, int maxSize, CancellationToken cancellationToken)
    {
        var config = _config;
        var question = query.Questions[0];
        if (config is null || question.Class != DnsQuestion.ClassIn || question.Name.TextLength > _options.MaxNameLength
            || question.Name.TextLength == 0)
            return new(Blocked(query, unconfigured: config is null));
        var name = question.Name.Text;
        return config.Matcher.Decide(name) switch
        {
            Verdict.Block => new(Blocked(query, unconfigured: false)),
            Verdict.Forward => ResolveAsync(config, query, transport, maxSize, learn: false, ttlOverride: null, cancellationToken),
            Verdict.Allow => ResolveAsync(config, query, transport, maxSize, learn: true, ttlOverride: null, cancellationToken),
            _ => AskControlPlaneAsync(config, query, transport, maxSize, cancellationToken),
        };
    }

    DnsMessage Blocked(DnsMessage query, bool unconfigured)
    {
        Counters.CountBlocked();
        // Before configuration the answer is always REFUSED: "this name does not exist" would be a lie.
        var rcode = !unconfigured && _options.BlockedRcode == BlockedRcode.NxDomain ? DnsRcode.NxDomain : DnsRcode.Refused;
        return DnsMessage.ResponseTo(query, rcode, _options.MaxUdpResponse);
    }

    DnsMessage ServFail(DnsMessage query) => DnsMessage.ResponseTo(query, DnsRcode.ServFail, _options.MaxUdpResponse);

    async ValueTask<Reply> ResolveAsync(AttachmentDnsConfig config, DnsMessage query, Transport transport, int maxSize, bool learn, uint? ttlOverride,
        CancellationToken cancellationToken)
    {
        var question = query.Questions[0];
        var name = question.Name.Text;
        if (_cache.TryGet(query, maxSize, learn, out var cached, out var learnable, out var validUnder))
        {
            // A cached answer refreshes the kernel entries it hands out, with the TTLs the client now sees (usually a
            // no-op: what the kernel holds already lasts as long, LearnedIpIndex.Covers). One that a rule change applied
            // since the lookup withdrew is not handed out: the upstream is asked again, under the new rules.
            var outcome = learn ? await LearnAsync(validUnder, name, learnable!, ttlOverride, cancellationToken).ConfigureAwait(false) : LearnOutcome.Learned;
            if (outcome == LearnOutcome.Failed) return ServFail(query);
            if (outcome == LearnOutcome.Revoked) return Blocked(query, unconfigured: false);
            if (outcome == LearnOutcome.Learned)
            {
                Counters.CountCacheHit();
                Counters.CountAllowed();
                return new Reply(null, cached);
            }
            config = _config ?? config;
        }

        var upstreamQuery = new DnsMessage
        {
            Flags = (ushort)(query.Flags & 0x0110), // RD and CD
            Questions = query.Questions, // its one question; the list is read, never changed
            Opt = query.Opt,
        };
        var result = await _upstreams.QueryAsync(config.Upstreams, upstreamQuery, transport == Transport.Tcp, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            Counters.CountUpstreamFailure();
            _logger.LogWarning("attachment {Id}: no upstream answered {Name}: {Failure}", Id, question.Name, result.Failure);
            return ServFail(query);
        }
        var answer = result.Answer!;
        var response = ResponseFrom(query, answer, _options.MaxUdpResponse);
        FilteredAnswer? taught = null;
        if (learn)
        {
            var filtered = AnswerFilter.Apply(response, question, _options.RebindingProtection, config.ExplicitlyAllowed, _options.MaxIpsPerName,
                config.DeniesAliasName);
            if (filtered.Stripped > 0)
            {
                Counters.CountRebindingStripped(filtered.Stripped);
                _logger.LogInformation("attachment {Id}: removed {Count} internal addresses from the answer for {Name}", Id, filtered.Stripped, question.Name);
            }
            if (filtered.Capped > 0)
            {
                Counters.CountAddressesCapped(filtered.Capped);
                _logger.LogInformation("attachment {Id}: removed {Count} address records past the cap of {Cap} addresses per name from the answer for {Name}",
                    Id, filtered.Capped, _options.MaxIpsPerName, question.Name);
            }
            // The client may cache an answer no longer than the kernel keeps what it taught (pitfall 11): a record
            // TTL above the clamp's maximum would have the client reuse an address the sweep already removed.
            CapTtls(response, ttlOverride ?? (uint)Math.Min(uint.MaxValue, _options.Ttl.Max.TotalSeconds));
            // A truncated answer is incomplete: the client retries over TCP and that answer teaches.
            if (!response.Truncated)
            {
                var outcome = await LearnAsync(config.Generation, name, filtered.Learnable, ttlOverride, cancellationToken).ConfigureAwait(false);
                if (outcome == LearnOutcome.Failed) return ServFail(query);
                if (outcome == LearnOutcome.Revoked) return Blocked(query, unconfigured: false);
                if (outcome == LearnOutcome.Withdrawn)
                {
                    // Rare: a rule change while the upstream answered denies a name on the chain. The client asks again
                    // and gets an answer filtered under the new rules.
                    _logger.LogInformation("attachment {Id}: a rule change while {Name} was resolved denies a name on its CNAME chain; answering SERVFAIL", Id, question.Name);
                    return ServFail(query);
                }
            }
            taught = filtered;
        }
        _cache.Store(query, response, taught, config.Generation);
        Counters.CountAllowed();
        // Usually the filter removed nothing: the upstream's octets, patched, are the answer, not serialised again.
        return ForwardedAnswer.TryPatch(response, answer, maxSize) is { } wire ? new Reply(null, wire) : response;
    }

    /// <summary>
    /// The answer to <paramref name="query"/> from the upstream's <paramref name="answer"/>, before filtering: the client's
    /// id and question spelling, RA set, the upstream's records (the same lists: filtering it filters them), and an OPT
    /// record only if the client sent one (the upstream's, or one advertising <paramref name="maxUdpResponse"/>).
    /// </summary>
    internal static DnsMessage ResponseFrom(DnsMessage query, DnsMessage answer, int maxUdpResponse)
    {
        var response = new DnsMessage
        {
            Id = query.Id,
            Flags = (ushort)(answer.Flags | 0x0080),
            Questions = query.Questions, // the client's spelling; neither message changes it
            Opt = query.Opt is null ? null : answer.Opt ?? DnsMessageWriter.MakeOpt(maxUdpResponse),
        };
        response.ShareRecordsOf(answer);
        return response;
    }

    internal static void CapTtls(DnsMessage response, uint ttl)
    {
        var answers = response.Records(Section.Answer);
        for (int i = 0; i < answers.Length; i++)
        {
            if (answers[i].Ttl > ttl) response.Answers[i] = answers[i].WithTtl(ttl);
        }
    }

    async ValueTask<Reply> AskControlPlaneAsync(AttachmentDnsConfig config, DnsMessage query, Transport transport, int maxSize, CancellationToken cancellationToken)
    {
        var question = query.Questions[0];
        if (_controlPlane is null)
        {
            Counters.CountControlPlaneFailure();
            return ServFail(query);
        }
        DnsQueryResponse decision;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.ControlPlaneTimeout);
            var request = new DnsQueryRequest { Id = Id, Domain = question.Name.ToString(), QueryType = TypeName(question.Type) };
            decision = await _controlPlane.QueryDnsAsync(request, deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Counters.CountControlPlaneFailure();
            _logger.LogWarning("attachment {Id}: the control plane did not decide {Name}: {Error}; answering SERVFAIL", Id, question.Name, e.Message);
            return ServFail(query);
        }
        if (!decision.Allow) return Blocked(query, unconfigured: false);
        uint? ttlOverride = decision.TtlSeconds > 0 ? decision.TtlSeconds : null;
        if (decision.Ips.Count == 0)
            return await ResolveAsync(config, query, transport, maxSize, decision.AddToFilter, ttlOverride, cancellationToken).ConfigureAwait(false);

        var addresses = new List<IPAddress>(decision.Ips.Count);
        foreach (var text in decision.Ips)
        {
            if (!IPAddress.TryParse(text, out var address) || text.Contains('%'))
            {
                Counters.CountControlPlaneFailure();
                _logger.LogWarning("attachment {Id}: the control plane answered {Name} with '{Ip}', which is not an IP address; answering SERVFAIL", Id, question.Name, text);
                return ServFail(query);
            }
            addresses.Add(address);
        }
        var family = question.Type switch
        {
            DnsType.A => AddressFamily.InterNetwork,
            DnsType.AAAA => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        uint ttl = decision.TtlSeconds;
        // The control plane's list obeys the same cap as an upstream's answer: the client gets only what is learned.
        var distinct = addresses.Where(a => a.AddressFamily == family).Distinct().ToList();
        if (decision.AddToFilter && distinct.Count > _options.MaxIpsPerName)
        {
            Counters.CountAddressesCapped(distinct.Count - _options.MaxIpsPerName);
            _logger.LogInformation("attachment {Id}: the control plane gave {Count} addresses for {Name}; answering the first {Cap}",
                Id, distinct.Count, question.Name, _options.MaxIpsPerName);
            distinct.RemoveRange(_options.MaxIpsPerName, distinct.Count - _options.MaxIpsPerName);
        }
        var records = distinct.Select(a => DnsRecord.ForAddress(question.Name, a, ttl)).ToList();
        if (decision.AddToFilter)
        {
            var chain = TeachingChain.Of(question.Name.Text);
            var outcome = await LearnAsync(config.Generation, question.Name.Text, [.. records.Select(r => new LearnableAddress(r.Address!, ttl, chain))], ttl, cancellationToken)
                .ConfigureAwait(false);
            if (outcome == LearnOutcome.Failed) return ServFail(query);
            if (outcome is LearnOutcome.Revoked or LearnOutcome.Withdrawn) return Blocked(query, unconfigured: false);
        }
        var response = DnsMessage.ResponseTo(query, DnsRcode.NoError, _options.MaxUdpResponse);
        response.Answers.AddRange(records);
        Counters.CountAllowed();
        return response;
    }

    static string TypeName(DnsType type) => Enum.IsDefined(type) ? type.ToString() : $"TYPE{(ushort)type}";

    static byte[] Write(DnsMessage message, int maxSize) => DnsMessageWriter.Write(message, maxSize);

    static byte[] HeaderOnly(ushort id, ushort flags, DnsRcode rcode)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, id);
        // QR, the query's opcode and RD, and the rcode; no sections echoed from a message we could not read.
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(0x8000 | (flags & 0x7900) | (int)rcode));
        return bytes;
    }
}
