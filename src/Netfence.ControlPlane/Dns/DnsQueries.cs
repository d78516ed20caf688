using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Netfence.ControlPlane.Daemons;
using Netfence.ControlPlane.Status;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Dns;

/// <summary>
/// Answers QueryDns: validates the request, finds the attachment, asks the handler with a deadline.
/// A handler that fails or is late denies: the daemon is waiting to answer a workload, and "no" is the
/// only answer that cannot leak (pitfall 19).
/// </summary>
sealed class DnsQueries(DaemonRegistry registry, IDnsQueryHandler handler, IOptions<ControlPlaneOptions> options, ILogger<DnsQueries> logger)
{
    const int MaxQueryTypeLength = 16;

    public async Task<Proto.DnsQueryResponse> AnswerAsync(Proto.DnsQueryRequest request, CancellationToken cancellationToken)
    {
        var query = Read(request);
        DnsDecision decision;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ResolveTimeout);
        try
        {
            decision = await handler.DecideAsync(query, deadline.Token).ConfigureAwait(false) ?? DnsDecision.Deny;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "The DNS query handler failed for {Domain} ({Type}) of attachment {AttachmentId}; denied",
                query.Domain, query.QueryType, query.AttachmentId);
            decision = DnsDecision.Deny;
        }
        var response = new Proto.DnsQueryResponse { Allow = decision.Allow, AddToFilter = decision.Allow && decision.AddToFilter, TtlSeconds = decision.TtlSeconds };
        if (decision.Allow) response.Ips.AddRange(decision.Ips.Select(ip => ip.ToString()));
        return response;
    }

    DnsQuery Read(Proto.DnsQueryRequest request)
    {
        if (string.IsNullOrEmpty(request.Id)) throw Invalid("id: is empty");
        string domain;
        try
        {
            domain = DomainName.Normalize(request.Domain, "domain");
        }
        catch (PolicyValidationException e)
        {
            throw Invalid(e.Message);
        }
        var type = request.QueryType;
        if (type.Length is 0 or > MaxQueryTypeLength || !type.All(char.IsAsciiLetterOrDigit))
            throw Invalid($"query_type: '{type}' is not a record type such as A or AAAA");
        var holders = registry.FindAttachment(request.Id).Where(h => h.Daemon.State == DaemonConnectionState.Connected).Take(2).ToList();
        return new DnsQuery(request.Id, domain, type.ToUpper(CultureInfo.InvariantCulture), holders.Count == 1 ? holders[0].Attachment.Context : null);
    }

    static ProtocolViolationException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
