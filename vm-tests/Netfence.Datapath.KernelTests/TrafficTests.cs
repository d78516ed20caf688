using System.Net;
using System.Net.Sockets;
using System.Text;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Features;
using Netfence.Bpf.Links;
using Netfence.Bpf.Netlink;
using Netfence.Bpf.Programs;
using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Sandbox;

namespace Netfence.Datapath.KernelTests;

/// <summary>Real traffic through each build of the programs attached with Netfence.Datapath.</summary>
public abstract class TrafficTests(DatapathObject build)
{
    private static int Ifindex(SandboxNamespace ns, string device) =>
        int.Parse(ns.Run("cat", $"/sys/class/net/{device}/ifindex").Trim());

    [KernelTheory]
    [KernelInlineData(TcAttachMode.Tcx, Requires = nameof(KernelFeatures.TcxLinks))]
    [InlineData(TcAttachMode.Netlink)]
    public void Tc_ingress_on_the_host_side_device_filters_the_workloads_outbound_traffic(TcAttachMode mode)
    {
        using var f = new DatapathFixture(build);
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, "10.77.0.2", host, "10.77.0.1");
        var target = AttachmentTarget.Interface(Ifindex(host, veth.SecondName));
        f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.1/32"]), new AttachmentSettings());
        var attachment = f.Programs.AttachInterface((int)target.Id, new TcAttachOptions { Mode = mode, NamespacePath = host.Path });
        try
        {
            Assert.True(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.PassTimeout));
            Assert.True(Traffic.TcpConnects(workload, host, "10.77.0.1", 5301, Traffic.PassTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.0/24"], ["10.77.0.1/32"]), new AttachmentSettings());
            Assert.False(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.DropTimeout));
            Assert.False(Traffic.TcpConnects(workload, host, "10.77.0.1", 5301, Traffic.DropTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Denylist, deny: ["192.0.2.0/24"]), new AttachmentSettings());
            Assert.True(Traffic.UdpArrives(workload, host, "10.77.0.1", 5300, Traffic.PassTimeout));
            Assert.True(f.Writer.Counters(target).Blocked > 0);
        }
        finally
        {
            attachment.Detach();
            attachment.Dispose();
        }
    }

    /// <summary>
    /// Pitfall 8: under TCX a program that returns PASS ends the chain, so a filter that meant "not mine to drop" would
    /// let packets skip every program attached after it; ours returns NEXT (TCX) / TC_ACT_UNSPEC (cls_bpf, which goes
    /// on to the next filter). With a drop-everything program attached after ours, traffic our rules allow must still
    /// be dropped by it: if it arrives, our verdict ended the chain.
    /// </summary>
    [KernelTheory]
    [KernelInlineData(TcAttachMode.Tcx, Requires = nameof(KernelFeatures.TcxLinks))]
    [InlineData(TcAttachMode.Netlink)]
    public void An_allowed_packet_goes_on_down_the_tc_chain_so_a_later_filter_still_drops_it(TcAttachMode mode)
    {
        using var f = new DatapathFixture(build);
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, "10.78.0.2", host, "10.78.0.1");
        var target = AttachmentTarget.Interface(Ifindex(host, veth.SecondName));
        f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.78.0.1/32"]), new AttachmentSettings());
        using var dropAll = BpfProgram.Load(new ProgramSpec
        {
            Name = "nft_drop_all",
            Type = ProgramType.SchedCls,
            Instructions = [Instruction.Mov64(Register.R0, 2), Instruction.Exit()],   // TC_ACT_SHOT / TCX_DROP
        });
        var ours = f.Programs.AttachInterface((int)target.Id, new TcAttachOptions { Mode = mode, NamespacePath = host.Path });
        try
        {
            Assert.True(Traffic.UdpArrives(workload, host, "10.78.0.1", 5310, Traffic.PassTimeout));
            // TCX appends after ours; cls_bpf runs filters by ascending priority, ours is 20000.
            var later = TcAttach.Attach(dropAll, (int)target.Id, TcDirection.Ingress, new TcAttachOptions
            {
                Mode = mode, NamespacePath = host.Path, Priority = 30000, Handle = 0x4E47, FilterName = "nft_drop_all",
            });
            try
            {
                Assert.False(Traffic.UdpArrives(workload, host, "10.78.0.1", 5311, Traffic.DropTimeout));
                Assert.False(Traffic.TcpConnects(workload, host, "10.78.0.1", 5312, Traffic.DropTimeout));
            }
            finally
            {
                later.Detach();
                later.Dispose();
            }
            Assert.True(Traffic.UdpArrives(workload, host, "10.78.0.1", 5313, Traffic.PassTimeout));
            Assert.True(f.Writer.Counters(target).Allowed > 0);
        }
        finally
        {
            ours.Detach();
            ours.Dispose();
        }
    }

    private static Command.Result Python(SandboxCgroup cgroup, string script) => cgroup.Run("python3", "-c", script);

    private static string Udp(string family, string address, int port) =>
        $"import socket; s=socket.socket(socket.{family}, socket.SOCK_DGRAM); s.sendto(b'x', ('{address}', {port}))";

    private static string Tcp(string family, string address, int port) =>
        $"import socket; s=socket.socket(socket.{family}, socket.SOCK_STREAM); s.connect(('{address}', {port}))";

    [KernelFact]
    public void Cgroup_hooks_filter_tcp_connected_and_unconnected_udp_ipv6_and_mapped_ipv6()
    {
        using var f = new DatapathFixture(build);
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { DualMode = true };
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        string cgroupPath;
        using (var cgroup = new SandboxCgroup())
        {
            cgroupPath = cgroup.Path;
            var target = AttachmentTarget.Cgroup(cgroup.Path);
            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32", "::1/128"], ["127.0.0.2/32"]), new AttachmentSettings());
            var attachments = f.Programs.AttachCgroup(cgroup.Path);
            try
            {
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET6", "::1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET6", "::ffff:127.0.0.1", port)).ExitCode);
                Assert.Equal(0, Python(cgroup, Udp("AF_INET", "127.0.0.1", port)).ExitCode);

                var denied = Python(cgroup, Tcp("AF_INET", "127.0.0.2", port));
                Assert.Contains("Operation not permitted", denied.StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Tcp("AF_INET6", "::ffff:127.0.0.2", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET", "127.0.0.2", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET6", "::ffff:127.0.0.3", port)).StdErr);

                f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.BlockAll), new AttachmentSettings());
                Assert.Contains("Operation not permitted", Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).StdErr);
                Assert.Contains("Operation not permitted", Python(cgroup, Udp("AF_INET6", "::1", port)).StdErr);

                f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.BlockAll), new AttachmentSettings { LoopbackAllowed = true });
                Assert.Equal(0, Python(cgroup, Tcp("AF_INET", "127.0.0.1", port)).ExitCode);
                // A process outside the cgroup is not affected.
                Assert.Equal(0, Command.Try("python3", "-c", Tcp("AF_INET", "127.0.0.2", port)).ExitCode);
            }
            finally
            {
                foreach (var a in attachments)
                {
                    a.Detach();
                    a.Dispose();
                }
                f.Writer.Remove(target);
            }
        }
        Leftovers.AssertCgroupGone(cgroupPath);
    }

    /// <summary>Runs python3 inside <paramref name="ns"/> as a process of <paramref name="cgroup"/> (the cgroup hooks follow the process, not the namespace).</summary>
    private static Command.Result PythonIn(SandboxCgroup cgroup, SandboxNamespace ns, string script) =>
        cgroup.Run("ip", "netns", "exec", ns.Name, "python3", "-c", script);

    private static Socket Listen(SandboxNamespace ns, IPAddress address, int port = 0, Action<Socket>? configure = null) =>
        NetworkNamespace.Run(ns.Path, () =>
        {
            var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            configure?.Invoke(s);
            s.Bind(new IPEndPoint(address, port));
            s.Listen(64);
            return s;
        });

    private static int PortOf(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    /// <summary>The connection the listener accepts within <paramref name="timeout"/>, or null.</summary>
    private static Socket? AcceptWithin(Socket listener, TimeSpan timeout) =>
        listener.Poll(timeout, SelectMode.SelectRead) ? listener.Accept() : null;

    /// <summary>Reads what arrives on <paramref name="s"/> until <paramref name="expected"/> bytes are in or the deadline passes; null when nothing came.</summary>
    private static string? ReceiveWithin(Socket s, int expected, TimeSpan timeout)
    {
        var buffer = new byte[256];
        int total = 0;
        var end = DateTime.UtcNow + timeout;
        while (total < expected)
        {
            var left = end - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !s.Poll(left, SelectMode.SelectRead)) break;
            int n = s.Receive(buffer, total, buffer.Length - total, SocketFlags.None);
            if (n == 0) break;
            total += n;
        }
        return total == 0 ? null : Encoding.ASCII.GetString(buffer, 0, total);
    }

    /// <summary>Attaches the cgroup programs to a fresh cgroup with <paramref name="rules"/>, runs <paramref name="body"/>, and removes everything.</summary>
    private void WithCgroup(Netfence.Policy.Rules.RuleSet rules, Action<DatapathFixture, SandboxCgroup, AttachmentTarget> body)
    {
        using var f = new DatapathFixture(build);
        string cgroupPath;
        using (var cgroup = new SandboxCgroup())
        {
            cgroupPath = cgroup.Path;
            var target = AttachmentTarget.Cgroup(cgroup.Path);
            f.Writer.Apply(target, rules, new AttachmentSettings());
            var attachments = f.Programs.AttachCgroup(cgroup.Path);
            try
            {
                body(f, cgroup, target);
            }
            finally
            {
                foreach (var a in attachments)
                {
                    a.Detach();
                    a.Dispose();
                }
                f.Writer.Remove(target);
            }
        }
        Leftovers.AssertCgroupGone(cgroupPath);
    }

    /// <summary>
    /// A client that opens its connection with sendto(MSG_FASTOPEN) and prints the peer's answer. The socket stays
    /// blocking (kernel timeouts, not Python's, which would make sendto return EINPROGRESS without a cookie).
    /// </summary>
    private static string FastOpen(string address, int port) => $$"""
        import socket, struct
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack('ll', 3, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 3, 0))
        s.sendto(b'fast open', socket.MSG_FASTOPEN, ('{{address}}', {{port}}))
        print(s.recv(16).decode())
        """;

    /// <summary>Runs the fast-open client in the cgroup; true when the listener accepted its connection and got its data within <paramref name="timeout"/>.</summary>
    private static bool FastOpenArrives(SandboxCgroup cgroup, SandboxNamespace ns, Socket listener, string address, TimeSpan timeout)
    {
        var client = Task.Run(() => PythonIn(cgroup, ns, FastOpen(address, PortOf(listener))));
        string? received = null;
        using (var accepted = AcceptWithin(listener, timeout))
        {
            if (accepted != null)
            {
                received = ReceiveWithin(accepted, 9, timeout);
                accepted.Send("ok"u8);
            }
        }
        var result = client.GetAwaiter().GetResult();
        bool arrived = received == "fast open";
        if (arrived) Assert.True(result.ExitCode == 0 && result.StdOut.Trim() == "ok", result.StdErr);
        return arrived;
    }

    /// <summary>A TcpExt counter of the namespace (/proc/net/netstat).</summary>
    private static long TcpExt(SandboxNamespace ns, string name)
    {
        var lines = ns.Run("cat", "/proc/net/netstat").Split('\n').Where(l => l.StartsWith("TcpExt:")).ToArray();
        var names = lines[0].Split(' ');
        return long.Parse(lines[1].Split(' ')[Array.IndexOf(names, name)]);
    }

    /// <summary>
    /// Pitfall 2: sendto(MSG_FASTOPEN) opens a TCP connection without connect(), with the data in the SYN once the
    /// client holds a cookie for the destination. The cookie is fetched while the destination is allowed; after it is
    /// denied the listener accepts nothing, while an allowed destination still gets its data.
    /// </summary>
    [KernelFact]
    public void Tcp_fast_open_from_the_cgroup_reaches_only_allowed_destinations()
    {
        using var ns = new SandboxNamespace();
        // tcp_fastopen is per network namespace: client and server on (3) here, the host's setting untouched.
        ns.Run("sysctl", "-q", "-w", "net.ipv4.tcp_fastopen=3");
        using var listener = Listen(ns, IPAddress.Any, configure: s => s.SetRawSocketOption(6 /* IPPROTO_TCP */, 23 /* TCP_FASTOPEN: queue length */, BitConverter.GetBytes(16)));
        WithCgroup(DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32", "127.0.0.2/32"]), (f, cgroup, target) =>
        {
            // The first connection to each address fetches a cookie; the second carries its data in the SYN.
            foreach (var address in new[] { "127.0.0.1", "127.0.0.2" })
            {
                Assert.True(FastOpenArrives(cgroup, ns, listener, address, Traffic.PassTimeout));
                long before = TcpExt(ns, "TCPFastOpenActive");
                Assert.True(FastOpenArrives(cgroup, ns, listener, address, Traffic.PassTimeout));
                Assert.True(TcpExt(ns, "TCPFastOpenActive") > before, "the second connection did not use fast open");
            }

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32"]), new AttachmentSettings());
            Assert.False(FastOpenArrives(cgroup, ns, listener, "127.0.0.2", Traffic.DropTimeout));
            Assert.True(FastOpenArrives(cgroup, ns, listener, "127.0.0.1", Traffic.PassTimeout));
        });
    }

    private static string RawUdp(string address, int port, string payload) => $$"""
        import socket, struct
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
        data = b'{{payload}}'
        s.sendto(struct.pack('!HHHH', 40000, {{port}}, 8 + len(data), 0) + data, ('{{address}}', 0))
        """;

    /// <summary>
    /// Pitfall 4: a raw socket passes no socket-level hook (connect4/sendmsg4 never run for it); only
    /// cgroup_skb egress sees its packet. The UDP receiver, outside the cgroup, sees only the allowed one.
    /// </summary>
    [KernelFact]
    public void Raw_socket_packets_from_the_cgroup_are_dropped_by_cgroup_skb_egress_unless_allowed()
    {
        using var ns = new SandboxNamespace();
        using var receiver = NetworkNamespace.Run(ns.Path, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 0));
            return s;
        });
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        WithCgroup(DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32"]), (_, cgroup, _) =>
        {
            var sent = PythonIn(cgroup, ns, RawUdp("127.0.0.1", port, "raw allowed"));
            Assert.True(sent.ExitCode == 0, sent.StdErr);
            Assert.Equal("raw allowed", ReceiveWithin(receiver, 11, Traffic.PassTimeout));

            // Whatever sendto reports, the packet must not arrive.
            PythonIn(cgroup, ns, RawUdp("127.0.0.2", port, "raw denied"));
            Assert.Null(ReceiveWithin(receiver, 10, Traffic.DropTimeout));
        });
    }


    /// <summary>
    /// Sends one Ethernet frame carrying IPv4/UDP 10.77.0.2 → address:port out of <paramref name="device"/> in
    /// <paramref name="ns"/> through an AF_PACKET socket, with an 802.1Q/802.1ad tag (VID 0) per TPID in
    /// <paramref name="tpids"/>, outermost first.
    /// </summary>
    private static void SendTaggedUdp(SandboxNamespace ns, string device, string destinationMac, string address, int port, string payload, params ushort[] tpids) =>
        ns.Run("python3", "-c", $$"""
            import socket, struct
            def checksum(b):
                s = sum(struct.unpack('!10H', b))
                s = (s & 0xffff) + (s >> 16)
                s = (s & 0xffff) + (s >> 16)
                return ~s & 0xffff
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind(('{{device}}', 0))
            data = b'{{payload}}'
            udp = struct.pack('!HHHH', 40000, {{port}}, 8 + len(data), 0) + data
            ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, socket.inet_aton('10.77.0.2'), socket.inet_aton('{{address}}'))
            ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
            tags = b''.join(struct.pack('!HH', t, 0) for t in [{{string.Join(", ", tpids)}}])
            s.send(bytes.fromhex('{{destinationMac.Replace(":", "")}}') + s.getsockname()[4] + tags + b'\x08\x00' + ip + udp)
            """);

    private static bool TaggedUdpArrives(SandboxNamespace workload, VethPair veth, string address, int port, TimeSpan timeout, params ushort[] tpids)
    {
        using var receiver = NetworkNamespace.Run(veth.Second.Path, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            return s;
        });
        string mac = veth.Second.Run("cat", $"/sys/class/net/{veth.SecondName}/address").Trim();
        SendTaggedUdp(workload, veth.FirstName, mac, address, port, "tagged", tpids);
        return ReceiveWithin(receiver, 6, timeout) == "tagged";
    }

    /// <summary>
    /// IPv6 and VLAN-tagged traffic from the workload over the veth, decided at the host-side device's TC ingress
    /// (pitfall 6). ARP and neighbour discovery are never allowed by a rule here, so every passing case also shows
    /// that they work in allowlist mode.
    /// </summary>
    /// <remarks>
    /// This kernel is built without CONFIG_VLAN_8021Q (no VLAN sub-interfaces), so tagged frames are written to the
    /// workload's veth through an AF_PACKET socket. They carry VID 0 (priority tags): the receiving kernel delivers
    /// those to the parent device's IP stack, so a UDP socket can observe the verdict. <c>__netif_receive_skb_core</c>
    /// strips the outer tag into <c>skb-&gt;vlan_tci</c> before TC ingress runs, so for a single 802.1Q tag the program
    /// sees the inner IPv4 ethertype; for QinQ (802.1ad outer, 802.1Q inner) it sees the inner 802.1Q tag in the packet
    /// and must parse it to find the destination (the kernel then strips the inner tag and runs TC ingress again).
    /// </remarks>
    [KernelTheory]
    [KernelInlineData(TcAttachMode.Tcx, Requires = nameof(KernelFeatures.TcxLinks))]
    [InlineData(TcAttachMode.Netlink)]
    public void Tc_ingress_filters_ipv6_and_vlan_tagged_traffic_from_the_workload(TcAttachMode mode)
    {
        using var f = new DatapathFixture(build);
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, "10.77.0.2", host, "10.77.0.1");
        Command.Run("ip", "-n", host.Name, "addr", "add", "10.77.0.3/24", "dev", veth.SecondName);
        Command.Run("ip", "-n", workload.Name, "addr", "add", "fd77::2/64", "dev", veth.FirstName, "nodad");
        Command.Run("ip", "-n", host.Name, "addr", "add", "fd77::1/64", "dev", veth.SecondName, "nodad");
        Command.Run("ip", "-n", host.Name, "addr", "add", "fd77::3/64", "dev", veth.SecondName, "nodad");

        var target = AttachmentTarget.Interface(Ifindex(host, veth.SecondName));
        f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.1/32", "fd77::1/128"]), new AttachmentSettings());
        var attachment = f.Programs.AttachInterface((int)target.Id, new TcAttachOptions { Mode = mode, NamespacePath = host.Path });
        try
        {
            Assert.True(Traffic.UdpArrives(workload, host, "fd77::1", 5310, Traffic.PassTimeout));
            Assert.True(Traffic.TcpConnects(workload, host, "fd77::1", 5311, Traffic.PassTimeout));
            Assert.False(Traffic.UdpArrives(workload, host, "fd77::3", 5310, Traffic.DropTimeout));
            Assert.False(Traffic.TcpConnects(workload, host, "fd77::3", 5311, Traffic.DropTimeout));

            const ushort Dot1Q = 0x8100, Dot1Ad = 0x88A8;
            Assert.True(TaggedUdpArrives(workload, veth, "10.77.0.1", 5312, Traffic.PassTimeout, Dot1Q));
            Assert.True(TaggedUdpArrives(workload, veth, "10.77.0.1", 5312, Traffic.PassTimeout, Dot1Ad, Dot1Q));
            Assert.False(TaggedUdpArrives(workload, veth, "10.77.0.3", 5312, Traffic.DropTimeout, Dot1Q));
            Assert.False(TaggedUdpArrives(workload, veth, "10.77.0.3", 5312, Traffic.DropTimeout, Dot1Ad, Dot1Q));
            // Once allowed, the same frames reach 10.77.0.3, tagged and untagged: the drops above were the policy's.
            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.0/24"]), new AttachmentSettings());
            Assert.True(TaggedUdpArrives(workload, veth, "10.77.0.3", 5312, Traffic.PassTimeout, Dot1Ad, Dot1Q));
            Assert.True(TaggedUdpArrives(workload, veth, "10.77.0.3", 5312, Traffic.PassTimeout));
        }
        finally
        {
            attachment.Detach();
            attachment.Dispose();
        }
    }

    /// <summary>A rule change cuts an established TCP flow at TC ingress: the next data from the workload no longer arrives.</summary>
    [KernelTheory]
    [KernelInlineData(TcAttachMode.Tcx, Requires = nameof(KernelFeatures.TcxLinks))]
    [InlineData(TcAttachMode.Netlink)]
    public void Rule_change_cuts_an_established_tcp_flow_at_tc_ingress(TcAttachMode mode)
    {
        using var f = new DatapathFixture(build);
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, "10.77.0.2", host, "10.77.0.1");
        var target = AttachmentTarget.Interface(Ifindex(host, veth.SecondName));
        f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.77.0.1/32"]), new AttachmentSettings());
        var attachment = f.Programs.AttachInterface((int)target.Id, new TcAttachOptions { Mode = mode, NamespacePath = host.Path });
        try
        {
            using var listener = Listen(host, IPAddress.Parse("10.77.0.1"), 5320);
            using var client = NetworkNamespace.Run(workload.Path, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            using (var cts = new CancellationTokenSource(Traffic.PassTimeout))
                client.ConnectAsync(new IPEndPoint(IPAddress.Parse("10.77.0.1"), 5320), cts.Token).AsTask().GetAwaiter().GetResult();
            using var accepted = AcceptWithin(listener, Traffic.PassTimeout);
            Assert.NotNull(accepted);
            client.Send("before"u8);
            Assert.Equal("before", ReceiveWithin(accepted, 6, Traffic.PassTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["192.0.2.0/24"]), new AttachmentSettings());
            client.Send("after"u8);
            Assert.Null(ReceiveWithin(accepted, 5, Traffic.DropTimeout));
        }
        finally
        {
            attachment.Detach();
            attachment.Dispose();
        }
    }

    /// <summary>
    /// A rule change cuts an established TCP flow of a cgroup's process: connect4 ran long ago, so only cgroup_skb
    /// egress can stop the data sent after the change. The peer's "go" reaches the client (ingress is not filtered).
    /// </summary>
    [KernelFact]
    public void Rule_change_cuts_an_established_tcp_flow_from_the_cgroup()
    {
        using var ns = new SandboxNamespace();
        using var listener = Listen(ns, IPAddress.Loopback);
        int port = PortOf(listener);
        WithCgroup(DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32"]), (f, cgroup, target) =>
        {
            var client = Task.Run(() => PythonIn(cgroup, ns, $$"""
                import socket
                s = socket.create_connection(('127.0.0.1', {{port}}))
                s.settimeout(10)
                s.sendall(b'before')
                assert s.recv(2) == b'go'
                s.sendall(b'after')
                print('sent')
                """));
            using var accepted = AcceptWithin(listener, Traffic.PassTimeout);
            Assert.NotNull(accepted);
            Assert.Equal("before", ReceiveWithin(accepted, 6, Traffic.PassTimeout));

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["192.0.2.0/24"]), new AttachmentSettings());
            accepted.Send("go"u8);
            var result = client.GetAwaiter().GetResult();
            Assert.True(result.ExitCode == 0, result.StdErr);
            Assert.Equal("sent", result.StdOut.Trim());
            Assert.Null(ReceiveWithin(accepted, 5, Traffic.DropTimeout));
        });
    }

    /// <summary>
    /// Pitfall 7: 169.254.169.254 has no exemption. In a namespace with only loopback nothing could answer; the hook's
    /// EPERM comes before routing, and once allowed the same connect fails with "unreachable" instead.
    /// </summary>
    [KernelFact]
    public void Metadata_address_is_blocked_in_allowlist_mode_without_a_rule()
    {
        using var ns = new SandboxNamespace();
        WithCgroup(DatapathFixture.Rules(PolicyMode.Allowlist, ["10.0.0.0/8"]), (f, cgroup, target) =>
        {
            Assert.Contains("Operation not permitted", PythonIn(cgroup, ns, Tcp("AF_INET", "169.254.169.254", 80)).StdErr);
            Assert.Contains("Operation not permitted", PythonIn(cgroup, ns, Udp("AF_INET", "169.254.169.254", 53)).StdErr);
            Assert.Contains("Operation not permitted", PythonIn(cgroup, ns, Tcp("AF_INET6", "::ffff:169.254.169.254", 80)).StdErr);

            f.Writer.Apply(target, DatapathFixture.Rules(PolicyMode.Allowlist, ["169.254.169.254/32"]), new AttachmentSettings());
            var allowed = PythonIn(cgroup, ns, Tcp("AF_INET", "169.254.169.254", 80));
            Assert.DoesNotContain("Operation not permitted", allowed.StdErr);
            Assert.Contains("Network is unreachable", allowed.StdErr);
        });
    }

    /// <summary>
    /// Issue 5 "Exemptions" (pitfall 7): a loopback exemption must not open another attachment's DNS server, which
    /// listens on loopback too; the attachment's own DNS endpoint is open in every mode, block-all included.
    /// </summary>
    [KernelFact]
    public void Loopback_dns_ports_of_other_attachments_stay_closed_and_the_own_dns_endpoint_is_always_open()
    {
        using var ownDns = Listen4(IPAddress.Loopback);
        using var otherDns = Listen4(IPAddress.Loopback);
        using var unrelated = Listen4(IPAddress.Loopback);
        int own = PortOf(ownDns), other = PortOf(otherDns), service = PortOf(unrelated);
        var otherTarget = AttachmentTarget.Interface(999_998);
        WithCgroup(DatapathFixture.Rules(PolicyMode.BlockAll), (f, cgroup, target) =>
        {
            f.Writer.Apply(otherTarget, DatapathFixture.Rules(PolicyMode.Disabled), new AttachmentSettings
            {
                DnsIpv4 = IPAddress.Loopback, DnsIpv6 = IPAddress.IPv6Loopback, DnsPort = (ushort)other,
            });
            try
            {
                foreach (bool loopback in new[] { true, false })
                foreach (var rules in new[] { DatapathFixture.Rules(PolicyMode.BlockAll), DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.0/8", "::1/128"]) })
                {
                    f.Writer.Apply(target, rules, new AttachmentSettings { LoopbackAllowed = loopback, DnsIpv4 = IPAddress.Loopback, DnsPort = (ushort)own });
                    string what = $"{rules.Mode}, loopback allowed {loopback}";
                    Assert.True(Python(cgroup, Tcp("AF_INET", "127.0.0.1", own)).ExitCode == 0, $"own DNS over TCP refused ({what})");
                    Assert.True(Python(cgroup, Udp("AF_INET", "127.0.0.1", own)).ExitCode == 0, $"own DNS over UDP refused ({what})");
                    foreach (var script in new[]
                    {
                        Tcp("AF_INET", "127.0.0.1", other), Udp("AF_INET", "127.0.0.1", other),
                        Tcp("AF_INET6", "::1", other), Udp("AF_INET6", "::1", other), Tcp("AF_INET6", "::ffff:127.0.0.1", other),
                    })
                    {
                        var result = Python(cgroup, script);
                        Assert.True(result.StdErr.Contains("Operation not permitted"), $"another attachment's DNS port was reachable ({what}): {script}\n{result.StdErr}");
                    }
                    bool serviceOpen = loopback || rules.Mode == PolicyMode.Allowlist;
                    var toService = Python(cgroup, Tcp("AF_INET", "127.0.0.1", service));
                    Assert.True(serviceOpen ? toService.ExitCode == 0 : toService.StdErr.Contains("Operation not permitted"), $"{what}: {toService.StdErr}");
                }
                // The closed port is open to anyone outside the cgroup: the refusals above were the filter's.
                Assert.Equal(0, Command.Try("python3", "-c", Tcp("AF_INET", "127.0.0.1", other)).ExitCode);
            }
            finally
            {
                f.Writer.Remove(otherTarget);
            }
        });
    }

    private static Socket Listen4(IPAddress address)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(address, 0));
        s.Listen(64);
        return s;
    }

    /// <summary>
    /// Pitfall 9: rule sets replaced back to back, with the same verdicts in different shapes (and modes), while the
    /// cgroup's process connects to an allowed and a denied address in a loop: no denied attempt ever connects and no
    /// allowed attempt ever fails.
    /// </summary>
    [KernelFact]
    public void Atomic_swaps_under_load_never_open_a_denied_or_close_an_allowed_destination()
    {
        using var ns = new SandboxNamespace();
        using var listener = Listen(ns, IPAddress.Any, configure: s => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true));
        int port = PortOf(listener);
        Netfence.Policy.Rules.RuleSet[] shapes =
        [
            DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.1/32"]),
            DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.0/24"], ["127.0.0.2/32"]),
            DatapathFixture.Rules(PolicyMode.Allowlist, ["127.0.0.0/8", "127.0.0.1/32"], ["127.0.0.2/31"]),
            DatapathFixture.Rules(PolicyMode.Denylist, deny: ["127.0.0.2/32"]),
        ];
        WithCgroup(shapes[0], (f, cgroup, target) =>
        {
            bool stop = false;
            var acceptor = Task.Run(() =>
            {
                while (!Volatile.Read(ref stop))
                    if (listener.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
                        listener.Accept().Dispose();
            });
            var client = Task.Run(() => PythonIn(cgroup, ns, $$"""
                import socket, time
                fails = []
                n = 0
                end = time.monotonic() + 4
                while time.monotonic() < end and n < 3000:
                    n += 1
                    for addr, allowed in (('127.0.0.1', True), ('127.0.0.2', False)):
                        s = socket.socket()
                        s.settimeout(2)
                        try:
                            s.connect((addr, {{port}}))
                            got = True
                        except PermissionError:
                            got = False
                        except OSError as e:
                            got = None
                            fails.append(f'{addr}: {e!r}')
                        finally:
                            s.close()
                        if got is not None and got != allowed:
                            fails.append(f'{addr}: connected={got}')
                print(n)
                print(len(fails))
                print('\n'.join(fails[:20]))
                """));
            int applies = 0;
            try
            {
                while (!client.IsCompleted)
                {
                    applies++;
                    f.Writer.Apply(target, shapes[applies % shapes.Length], new AttachmentSettings());
                }
            }
            finally
            {
                client.Wait();
                Volatile.Write(ref stop, true);
                acceptor.GetAwaiter().GetResult();
            }
            var result = client.Result;
            Assert.True(result.ExitCode == 0, result.StdErr);
            var lines = result.StdOut.Split('\n');
            int attempts = int.Parse(lines[0]);
            Assert.True(lines[1].Trim() == "0", $"{lines[1].Trim()} wrong verdicts in {attempts} pairs of attempts over {applies} swaps:\n{result.StdOut}");
            Assert.True(attempts >= 100, $"only {attempts} pairs of attempts");
            Assert.True(applies >= 10, $"only {applies} swaps during the attempts");
        });
    }
}

/// <summary>The cases on the C# programs as our compiler built them.</summary>
public sealed class CSharpTrafficTests() : TrafficTests(DatapathObject.CSharp);

/// <summary>The same cases on the clang-compiled C reference.</summary>
public sealed class ReferenceTrafficTests() : TrafficTests(DatapathObject.CReference);
