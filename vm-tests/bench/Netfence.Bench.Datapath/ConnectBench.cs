using System.Diagnostics;
using System.Net;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Links;
using Netfence.Bpf.Netlink;
using Netfence.Bpf.Programs;
using Netfence.Datapath;
using Netfence.Programs.Layout;
using Netfence.Sandbox;

namespace Netfence.Bench.Datapath;

/// <summary>connect() latency on one path: unfiltered, under the C# filter, under the clang filter.</summary>
internal sealed record ConnectRow(string Path, Summary None, Summary Floor, Summary CSharp, Summary Reference)
{
    public double FloorOverheadPercent => Ratios.OverheadPercent(Floor.Median, None.Median);
    public double CSharpOverheadPercent => Ratios.OverheadPercent(CSharp.Median, None.Median);
    public double ReferenceOverheadPercent => Ratios.OverheadPercent(Reference.Median, None.Median);
    public double CSharpVsReference => Ratios.Of(CSharp.Median, Reference.Median);
}

/// <summary>
/// connect() from this very process in three sibling cgroups: one with no program, one with the C# object's cgroup
/// programs attached (connect4/6, sendmsg4/6, cgroup_skb egress), one with the clang object's. Both filtered cgroups
/// are allowlist attachments with the same rules: 127.0.0.1/32, the veth server's /32 plus random hosts, and no
/// loopback exemption, so the allowed connect is decided by a real trie lookup. Three paths: a listener on 127.0.0.1
/// (completing the handshake, whose client-side packets also pass cgroup_skb egress); a listener in another network
/// namespace reached over a veth pair from a client namespace, which is what a workload's connect looks like (the
/// loopback connect is so cheap that any program looks expensive next to it); and 127.0.0.2, which a filter refuses
/// with EPERM and which, unfiltered, reaches a second listener. The process moves between the cgroups round by round
/// in rotating order; only the connect() call is timed. A fourth cgroup has trivial programs on the same two hooks a
/// connect meets (connect4 and cgroup_skb egress, each returning "allow" at once): the floor any cgroup filter pays.
/// </summary>
internal sealed class ConnectBench(DatapathPrograms csharp, DatapathPrograms reference, RuleSetWriter writer)
{
    public const string AllowedPath = "warm allowed (connects)";
    public const string BlockedPath = "blocked (EPERM; unfiltered it connects)";
    public const string VethPath = "warm allowed, server in another netns over veth (connects)";
    private const string VethClient = "10.203.0.1", VethServer = "10.203.0.2";

    public int Rules { get; init; } = 10_000;
    public int Rounds { get; init; } = 300;
    public int PerRound { get; init; } = 30;
    public int Warmup { get; init; } = 10;
    public int CostRounds { get; init; } = 30;
    public int CostPerRound { get; init; } = 100;

    private sealed record Variant(string Name, string Cgroup, bool Filtered)
    {
        public readonly List<double> Allowed = [];
        public readonly List<double> Blocked = [];
        public readonly List<double> Veth = [];
    }

    public (List<ConnectRow> Rows, List<ConnectCostRow> Costs) Run(CancellationToken cancel)
    {
        var origin = CgroupMembership.Current();
        using var allowedListener = new AcceptingListener(IPAddress.Parse("127.0.0.1"));
        using var blockedListener = new AcceptingListener(IPAddress.Parse("127.0.0.2"));
        using var clientNamespace = new SandboxNamespace();
        using var serverNamespace = new SandboxNamespace();
        using var veth = new VethPair(clientNamespace, VethClient, serverNamespace, VethServer);
        using var vethListener = new AcceptingListener(IPAddress.Parse(VethServer), serverNamespace.Path);
        var allowed = SocketCalls.Address(allowedListener.Endpoint);
        var blocked = SocketCalls.Address(blockedListener.Endpoint);
        var remote = SocketCalls.Address(vethListener.Endpoint);

        var cleanup = new Stack<Action>();
        try
        {
            var none = Cgroup(cleanup);
            var floorCgroup = Cgroup(cleanup);
            var csCgroup = Cgroup(cleanup);
            var clangCgroup = Cgroup(cleanup);
            var settings = new AttachmentSettings { LoopbackAllowed = false };
            IPNetwork[] hosts = [new(IPAddress.Parse("127.0.0.1"), 32), new(IPAddress.Parse(VethServer), 32)];
            var csFill = RuleFill.Write(writer, AttachmentTarget.Cgroup(csCgroup), Rules, seed: 21, settings, hosts);
            cleanup.Push(csFill.Remove);
            var clangFill = RuleFill.Write(writer, AttachmentTarget.Cgroup(clangCgroup), Rules, seed: 21, settings, hosts);
            cleanup.Push(clangFill.Remove);
            var floor = AttachFloor(floorCgroup, cleanup);
            Attach(csharp, csCgroup, cleanup);
            Attach(reference, clangCgroup, cleanup);
            // Whatever happens below, the process leaves the benchmark's cgroups before they are removed.
            cleanup.Push(() => CgroupMembership.MoveSelfTo(origin));

            Variant[] variants = [new("none", none, false), new("floor", floorCgroup, false), new("C#", csCgroup, true), new("clang", clangCgroup, true)];
            for (int round = 0; round < Rounds; round++)
            {
                cancel.ThrowIfCancellationRequested();
                for (int k = 0; k < variants.Length; k++)
                {
                    var v = variants[(round + k) % variants.Length];
                    CgroupMembership.MoveSelfTo(v.Cgroup);
                    // Sockets belong to the cgroup of the thread that creates them: made after the move, in the
                    // client namespace, all at once (entering a namespace takes a thread of its own).
                    var vethSockets = new Queue<int>(NetworkNamespace.Run(clientNamespace.Path,
                        () => Enumerable.Range(0, Warmup + PerRound).Select(_ => SocketCalls.TcpSocket()).ToArray()));
                    // One path at a time, each after its own warm-up. Interleaved, an allowed connect often followed a
                    // blocked one, which a filter refuses at once while the unfiltered cgroups run a whole handshake:
                    // the filtered cgroups' allowed connects found the TCP path colder, which counted against them
                    // (programs returning "allow" at once measured +3 to +9 % over the floor that way).
                    Series(v.Allowed, () => Connect(v, allowed, blocked: false));
                    Series(v.Veth, () => Connect(v, vethSockets.Dequeue(), remote, blocked: false));
                    Series(v.Blocked, () => Connect(v, blocked, blocked: true));
                }
            }

            // Where the time goes: each cgroup's programs' run statistics over rounds of loopback connects.
            CostVariant CostOf(Variant v, BpfProgram connect4, BpfProgram egress) =>
                new(connect4, egress, () => CgroupMembership.MoveSelfTo(v.Cgroup), () => Connect(v, allowed, blocked: false));
            var costs = ConnectCost.Measure(CostRounds, CostPerRound,
                CostOf(variants[1], floor.Connect4, floor.Egress),
                CostOf(variants[2], csharp[ProgramNames.Connect4], csharp[ProgramNames.CgroupSkbEgress]),
                CostOf(variants[3], reference[ProgramNames.Connect4], reference[ProgramNames.CgroupSkbEgress]));

            CgroupMembership.MoveSelfTo(origin);
            ConnectRow Row(string path, Func<Variant, List<double>> samples) =>
                new(path, Summary.Of(samples(variants[0])), Summary.Of(samples(variants[1])), Summary.Of(samples(variants[2])), Summary.Of(samples(variants[3])));
            return ([Row(AllowedPath, v => v.Allowed), Row(VethPath, v => v.Veth), Row(BlockedPath, v => v.Blocked)], costs);
        }
        finally
        {
            var errors = new List<Exception>();
            while (cleanup.TryPop(out var undo))
            {
                try { undo(); }
                catch (Exception e) { errors.Add(e); }
            }
            if (errors.Count > 0) throw new AggregateException("cleaning up the connect benchmark failed", errors);
        }
    }

    private void Series(List<double> samples, Func<double> connect)
    {
        for (int i = 0; i < Warmup; i++) connect();
        for (int i = 0; i < PerRound; i++) samples.Add(connect());
    }

    /// <summary>One timed connect() in nanoseconds; an outcome other than the expected one stops the benchmark.</summary>
    private static double Connect(Variant v, in SocketCalls.SockaddrIn address, bool blocked) =>
        Connect(v, SocketCalls.TcpSocket(), address, blocked);

    private static double Connect(Variant v, int fd, in SocketCalls.SockaddrIn address, bool blocked)
    {
        long start = Stopwatch.GetTimestamp();
        int errno = SocketCalls.Connect(fd, address);
        long end = Stopwatch.GetTimestamp();
        int expected = blocked && v.Filtered ? SocketCalls.Eperm : 0;
        if (errno == 0) SocketCalls.Abort(fd);
        else SocketCalls.Close(fd);
        if (errno != expected)
            throw new InvalidOperationException(
                $"connect() to {(blocked ? "the blocked" : "the allowed")} address {address.Address:x8} from the '{v.Name}' cgroup returned errno {errno}, expected {expected}");
        return (end - start) * 1e9 / Stopwatch.Frequency;
    }

    private static string Cgroup(Stack<Action> cleanup)
    {
        var cgroup = new SandboxCgroup();
        cleanup.Push(cgroup.Dispose);
        return cgroup.Path;
    }

    // connect4 and cgroup_skb egress programs that allow at once (return 1): what the hooks cost with nothing to decide.
    private static (BpfProgram Connect4, BpfProgram Egress) AttachFloor(string cgroup, Stack<Action> cleanup)
    {
        var loaded = new List<BpfProgram>();
        (ProgramType Type, AttachType Hook, AttachType? Expected)[] hooks =
        [
            (ProgramType.CgroupSockAddr, AttachType.CgroupInet4Connect, AttachType.CgroupInet4Connect),
            (ProgramType.CgroupSkb, AttachType.CgroupInetEgress, null),
        ];
        foreach (var (type, hook, expected) in hooks)
        {
            var program = BpfProgram.Load(new ProgramSpec
            {
                Name = "nft_floor",
                Type = type,
                ExpectedAttachType = expected,
                Instructions = [Instruction.Mov64(Register.R0, 1), Instruction.Exit()],
            });
            cleanup.Push(program.Dispose);
            loaded.Add(program);
            var attachment = CgroupAttach.Attach(program, cgroup, hook);
            cleanup.Push(() =>
            {
                attachment.Detach();
                attachment.Dispose();
            });
        }
        return (loaded[0], loaded[1]);
    }

    private static void Attach(DatapathPrograms programs, string cgroup, Stack<Action> cleanup)
    {
        foreach (var attachment in programs.AttachCgroup(cgroup))
        {
            cleanup.Push(() =>
            {
                attachment.Detach();
                attachment.Dispose();
            });
        }
    }
}
