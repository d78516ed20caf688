namespace Netfence.Attacks.KernelTests;

/// <summary>
/// The small programs the attacks run inside a workload (Python, which every workload image has). Each prints one
/// word: REPLY (the destination answered), SENT (fire and forget), EPERM (the kernel refused the syscall), TIMEOUT,
/// or ERR and the errno's name.
/// </summary>
static class AttackPrograms
{
    const string Prelude = """
        import errno, signal, socket, struct
        class Late(Exception): pass
        def late(*_): raise Late()
        signal.signal(signal.SIGALRM, late)
        def run(attempt):
            # A blocking syscall (a TFO sendto waits for the handshake) must not outlive the attempt: SIGALRM ends it.
            signal.setitimer(signal.ITIMER_REAL, 1.5)
            try:
                print(attempt())
            except PermissionError:
                print("EPERM")
            except (Late, socket.timeout, TimeoutError):
                print("TIMEOUT")
            except OSError as e:
                print("ERR", errno.errorcode.get(e.errno, e.errno))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)

        """;

    static string Http(string token) => $"b'GET /{token} HTTP/1.0\\r\\n\\r\\n'";

    /// <summary>Pitfall 1: sendto() on an unconnected UDP socket, no connect() at all.</summary>
    public static string UnconnectedUdp(string address, int port, string token) => Prelude + $$"""
        def attempt():
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(b'{{token}}', ('{{address}}', {{port}}))
            s.recvfrom(2048)
            return "REPLY"
        run(attempt)
        """;

    /// <summary>Pitfall 2: TCP Fast Open — sendto(MSG_FASTOPEN) opens the connection and carries data without connect().</summary>
    public static string TcpFastOpen(string address, int port, string token) => Prelude + $$"""
        def attempt():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.sendto({{Http(token)}}, socket.MSG_FASTOPEN, ('{{address}}', {{port}}))
            return "REPLY" if s.recv(64) else "TIMEOUT"
        run(attempt)
        """;

    /// <summary>Pitfall 3: a dual-stack socket to ::ffff:a.b.c.d, which fires connect6/sendmsg6, not the IPv4 hooks.</summary>
    public static string MappedIpv6(string protocol, string address, int port, string token) => Prelude + (protocol == "tcp"
        ? $$"""
            def attempt():
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.connect(('::ffff:{{address}}', {{port}}))
                s.sendall({{Http(token)}})
                return "REPLY" if s.recv(64) else "TIMEOUT"
            run(attempt)
            """
        : $$"""
            def attempt():
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.sendto(b'{{token}}', ('::ffff:{{address}}', {{port}}))
                s.recvfrom(2048)
                return "REPLY"
            run(attempt)
            """);

    /// <summary>Pitfall 4: a raw IPPROTO_UDP socket writing its own UDP header (CAP_NET_RAW), past every socket hook.</summary>
    public static string RawUdp(string address, int port, string token) => Prelude + $$"""
        def attempt():
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
            payload = b'{{token}}'
            s.sendto(struct.pack('!HHHH', 40000, {{port}}, 8 + len(payload), 0) + payload, ('{{address}}', 0))
            return "SENT"
        run(attempt)
        """;

    /// <summary>
    /// Pitfall 6: an IPv4/UDP datagram in an 802.1Q-tagged Ethernet frame, written to <paramref name="device"/> with a
    /// packet socket. VLAN 0 (a priority tag), because a host whose kernel has no 8021q support still routes that one:
    /// had the filter let it through, the server would get it.
    /// </summary>
    public static string PriorityTaggedUdp(string device, string destinationMac, string source, string address, int port, string token) => Prelude + $$"""
        def checksum(header):
            total = sum(struct.unpack('!10H', header))
            while total >> 16:
                total = (total & 0xFFFF) + (total >> 16)
            return ~total & 0xFFFF
        def attempt():
            payload = b'{{token}}'
            udp = struct.pack('!HHHH', 40001, {{port}}, 8 + len(payload), 0) + payload
            ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                             socket.inet_aton('{{source}}'), socket.inet_aton('{{address}}'))
            ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
            own = open('/sys/class/net/{{device}}/address').read().strip()
            mac = lambda text: bytes.fromhex(text.replace(':', ''))
            frame = mac('{{destinationMac}}') + mac(own) + struct.pack('!HHH', 0x8100, 0, 0x0800) + ip + udp
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind(('{{device}}', 0))
            s.send(frame)
            return "SENT"
        run(attempt)
        """;
}
