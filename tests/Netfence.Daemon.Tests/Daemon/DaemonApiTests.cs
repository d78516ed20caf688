using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>DaemonService over a real unix socket: status codes, duplicates, paging, socket permissions.</summary>
public sealed class DaemonApiTests
{
    static AttachRequest Cgroup(string path, params (string Key, string Value)[] metadata)
    {
        var request = new AttachRequest { CgroupPath = path };
        foreach (var (k, v) in metadata) request.Metadata[k] = v;
        return request;
    }

    static async Task<StatusCode> CodeOf(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        return e.StatusCode;
    }

    [Fact]
    public async Task Bad_targets_get_invalid_argument_or_not_found_naming_the_field()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var c = daemon.Client;

        var e = await Assert.ThrowsAsync<RpcException>(async () => await c.AttachAsync(new AttachRequest { InterfaceName = "bad/name" }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("interface_name", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(async () => await c.AttachAsync(new AttachRequest { InterfaceName = "nftnosuch0" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("nftnosuch0", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(async () => await c.AttachAsync(Cgroup("/a/../b")));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("cgroup_path", e.Status.Detail);

        Assert.Equal(StatusCode.NotFound, await CodeOf(async () => await c.AttachAsync(Cgroup("/missing"))));
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(async () => await c.AttachAsync(new AttachRequest())));

        daemon.Targets.AddCgroup("/w");
        e = await Assert.ThrowsAsync<RpcException>(async () => await c.AttachAsync(Cgroup("/w", ("ok", "1"), ("bad key", "v"))));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("bad key", e.Status.Detail);

        e = await Assert.ThrowsAsync<RpcException>(async () => await c.AttachAsync(new AttachRequest { CgroupPath = "/w", DnsListenAddress = "not-an-ip" }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("dns_listen_address", e.Status.Detail);

        // Nothing of the failed attaches remains.
        Assert.Empty(daemon.Datapath.Attached);
        Assert.Equal(0, (await c.ListAsync(new ListRequest())).TotalCount);
    }

    [Fact]
    public async Task A_target_spelled_with_a_trailing_slash_is_the_same_target()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        daemon.Targets.AddCgroup("/x");
        var first = await daemon.Client.AttachAsync(Cgroup("/x"));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Client.AttachAsync(Cgroup("//x/")));
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains(first.Id, e.Status.Detail);
        Assert.Equal(StatusCode.AlreadyExists, await CodeOf(async () => await daemon.Client.AttachAsync(Cgroup(FakeTargets.Mount + "/x"))));
        Assert.Single(daemon.Datapath.Attached);
    }

    [Fact]
    public async Task Detach_of_an_unknown_or_empty_id_is_an_error_and_a_known_one_removes_everything()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        Assert.Equal(StatusCode.NotFound, await CodeOf(async () => await daemon.Client.DetachAsync(new DetachRequest { Id = "no-such-id" })));
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(async () => await daemon.Client.DetachAsync(new DetachRequest())));

        daemon.Targets.AddCgroup("/d");
        var attached = await daemon.Client.AttachAsync(Cgroup("/d"));
        await daemon.Client.DetachAsync(new DetachRequest { Id = attached.Id });
        Assert.Empty(daemon.Datapath.Attached);
        Assert.Equal(0, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);
        Assert.Equal(StatusCode.NotFound, await CodeOf(async () => await daemon.Client.DetachAsync(new DetachRequest { Id = attached.Id })));
        // The target can be attached again.
        await daemon.Client.AttachAsync(Cgroup("/d"));
    }

    [Fact]
    public async Task List_pages_by_attach_time_with_a_total_and_rejects_bad_sizes_and_tokens()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            daemon.Targets.AddCgroup($"/p{i}");
            ids.Add((await daemon.Client.AttachAsync(Cgroup($"/p{i}", ("n", i.ToString())))).Id);
        }
        var seen = new List<AttachmentInfo>();
        var token = "";
        int pages = 0;
        do
        {
            var page = await daemon.Client.ListAsync(new ListRequest { PageSize = 3, PageToken = token });
            Assert.Equal(7, page.TotalCount);
            Assert.True(page.Attachments.Count <= 3);
            seen.AddRange(page.Attachments);
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);
        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderBy(id => id).ToList(), seen.Select(a => a.Id).OrderBy(id => id).ToList());
        Assert.Equal(seen.OrderBy(a => a.AttachedAt.ToDateTimeOffset()).ThenBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Id), seen.Select(a => a.Id));
        Assert.All(seen, a => Assert.Equal(AttachmentType.Cgroup, a.Type));
        Assert.Equal("3", seen.Single(a => a.Target == "/p3").Metadata["n"]);

        Assert.Equal(7, (await daemon.Client.ListAsync(new ListRequest())).Attachments.Count);
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(async () => await daemon.Client.ListAsync(new ListRequest { PageSize = 1001 })));
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(async () => await daemon.Client.ListAsync(new ListRequest { PageSize = -1 })));
        Assert.Equal(StatusCode.InvalidArgument, await CodeOf(async () => await daemon.Client.ListAsync(new ListRequest { PageToken = "garbage" })));
    }

    [Fact]
    public async Task Status_reports_a_standalone_daemon_and_the_socket_is_for_root_only()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        daemon.Targets.AddCgroup("/s");
        await daemon.Client.AttachAsync(Cgroup("/s"));
        var status = await daemon.Client.GetStatusAsync(new Empty());
        Assert.Equal(1, status.AttachmentCount);
        Assert.Equal(ConnectionState.Disconnected, status.ControlPlaneState);
        Assert.Equal("", status.ControlPlaneAddress);
        Assert.False(string.IsNullOrEmpty(status.DaemonId));
        Assert.False(string.IsNullOrEmpty(status.Version));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(daemon.Configuration.Socket.Path));
    }

    [Fact]
    public async Task Dns_ports_come_from_the_configured_range_are_reused_and_run_out_with_a_clear_error()
    {
        await using var daemon = await InProcessDaemon.StartAsync(s => s["NETFENCE_DNS_PORT_RANGE_END"] = (int.Parse(s["NETFENCE_DNS_PORT_RANGE_START"]) + 1).ToString());
        int start = daemon.Configuration.Dns.PortRangeStart;
        foreach (var name in new[] { "/q0", "/q1", "/q2" }) daemon.Targets.AddCgroup(name);
        var a = await daemon.Client.AttachAsync(Cgroup("/q0"));
        var b = await daemon.Client.AttachAsync(Cgroup("/q1"));
        Assert.Equal($"127.0.0.1:{start}", a.DnsAddress);
        Assert.Equal($"127.0.0.1:{start + 1}", b.DnsAddress);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Client.AttachAsync(Cgroup("/q2")));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("dns.port_range", e.Status.Detail);
        await daemon.Client.DetachAsync(new DetachRequest { Id = a.Id });
        Assert.Equal($"127.0.0.1:{start}", (await daemon.Client.AttachAsync(Cgroup("/q2"))).DnsAddress);
    }

    [Fact]
    public async Task Shutdown_with_remove_filters_detaches_everything_and_stops()
    {
        await using var daemon = await InProcessDaemon.StartAsync();
        daemon.Targets.AddCgroup("/r");
        await daemon.Client.AttachAsync(Cgroup("/r"));
        var response = await daemon.Client.ShutdownAsync(new ShutdownRequest { RemoveFilters = true });
        Assert.Equal(1, response.Detached);
        Assert.Empty(daemon.Datapath.Attached);
        Assert.Equal(1, daemon.Datapath.RemoveEverythingCalls);
        await daemon.Host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
