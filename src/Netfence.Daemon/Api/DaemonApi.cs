using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Netfence.Daemon.Attachments;
using Netfence.Daemon.Hosting;
using Netfence.Policy.Modes;
using AttachmentType = Netfence.Policy.Modes.AttachmentType;
using Netfence.Protocol.V1;
using DomainAttachRequest = Netfence.Daemon.Attachments.AttachRequest;
using ProtoAttachRequest = Netfence.Protocol.V1.AttachRequest;

namespace Netfence.Daemon.Api;

/// <summary>DaemonService: translates messages and status codes; the attachment manager does the work.</summary>
sealed class DaemonApi(AttachmentManager manager, DaemonIdentity identity, DaemonShutdown shutdown) : DaemonService.DaemonServiceBase
{
    public override async Task<AttachResponse> Attach(ProtoAttachRequest request, ServerCallContext context)
    {
        shutdown.ThrowIfStopping();
        var (type, target) = request.TargetCase switch
        {
            ProtoAttachRequest.TargetOneofCase.InterfaceName => (AttachmentType.Tc, request.InterfaceName),
            ProtoAttachRequest.TargetOneofCase.CgroupPath => (AttachmentType.Cgroup, request.CgroupPath),
            _ => (AttachmentType.Unspecified, ""),
        };
        var result = await Call(() => manager.AttachAsync(new DomainAttachRequest(type, target, request.Metadata, request.DnsListenAddress), context.CancellationToken));
        return new AttachResponse { Id = result.Id, DnsAddress = result.DnsAddress };
    }

    public override async Task<Empty> Detach(DetachRequest request, ServerCallContext context)
    {
        await Call(async () =>
        {
            await manager.DetachAsync(request.Id, context.CancellationToken);
            return 0;
        });
        return new Empty();
    }

    public override Task<ListResponse> List(ListRequest request, ServerCallContext context)
    {
        var page = Call(() => manager.List(request.PageSize, request.PageToken));
        var response = new ListResponse { NextPageToken = page.NextPageToken, TotalCount = page.TotalCount };
        foreach (var item in page.Items)
        {
            var s = item.Summary;
            var info = new AttachmentInfo
            {
                Id = s.Id,
                Target = s.Target,
                Type = s.Type.ToProto(),
                Mode = s.Mode.ToProto(),
                DnsMode = s.DnsMode.ToProto(),
                DnsAddress = s.DnsAddress,
                PacketsAllowed = item.PacketsAllowed,
                PacketsBlocked = item.PacketsBlocked,
                DnsQueriesAllowed = item.DnsQueriesAllowed,
                DnsQueriesBlocked = item.DnsQueriesBlocked,
                AttachedAt = Timestamp.FromDateTimeOffset(s.AttachedAt),
            };
            info.Metadata.Add(s.Metadata.ToDictionary());
            response.Attachments.Add(info);
        }
        return Task.FromResult(response);
    }

    public override Task<DaemonStatus> GetStatus(Empty request, ServerCallContext context) => Task.FromResult(new DaemonStatus
    {
        Version = identity.Version,
        DaemonId = manager.DaemonId,
        Hostname = identity.Hostname,
        ControlPlaneState = manager.Link?.State ?? ConnectionState.Disconnected,
        ControlPlaneAddress = manager.Link?.Address ?? "",
        AttachmentCount = manager.Count,
    });

    public override async Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        int detached = await shutdown.StopAsync(request.RemoveFilters);
        return new ShutdownResponse { Detached = detached };
    }

    static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (AttachmentException e)
        {
            throw StatusCodesFor.Exception(e);
        }
    }

    static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AttachmentException e)
        {
            throw StatusCodesFor.Exception(e);
        }
    }
}
