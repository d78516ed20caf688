using System.Buffers.Binary;

namespace Netfence.Bpf.Compiler.DiffTests.Inputs;

/// <summary>
/// Ethernet frames for the parsers: zero to two VLAN tags (802.1Q or 802.1ad), then IPv4 (with and without options,
/// some with a bad version or header length), IPv6, ARP or an unknown EtherType, then TCP (some with a bad data
/// offset), UDP (some with a bad length), ICMP or an unknown protocol, then payload. Each frame is used whole and
/// cut one byte before, at, and one byte after every header boundary it has, so every TryRead of a parser meets the
/// end of the packet; random byte strings complete the set. Packets the kernel's test run refuses are left out
/// (see <see cref="KernelAccepts"/>); cuts inside the IP header are still covered behind VLAN tags.
/// </summary>
public sealed class FrameInputs : IInputSource
{
    /// <summary>The shortest packet BPF_PROG_TEST_RUN accepts for a tc program.</summary>
    public const int MinimumLength = 14;

    /// <summary>Whole frames generated per run (each also cut at its boundaries).</summary>
    public const int Frames = 250;

    /// <summary>Random byte strings per run.</summary>
    public const int RandomPackets = 250;

    private static readonly uint[] Addresses = [0x0100000A, 0x0200000A, 0x0101A8C0];
    private static readonly ushort[] Ports = [22, 53, 80, 443, 8080];

    /// <summary>
    /// Whether BPF_PROG_TEST_RUN takes the packet for a tc program: at least an Ethernet header (EINVAL otherwise),
    /// and when the EtherType (untagged) is IPv4 or IPv6, at least that fixed IP header (Linux 6.18 answers EINVAL
    /// for shorter ones: it reads the addresses into the test socket).
    /// </summary>
    public static bool KernelAccepts(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < MinimumLength)
            return false;
        var etherType = packet[12] << 8 | packet[13];
        return etherType switch
        {
            0x0800 => packet.Length >= MinimumLength + 20,
            0x86DD => packet.Length >= MinimumLength + 40,
            _ => true,
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Generate(Random random)
    {
        var cases = new List<byte[]>();
        for (var i = 0; i < Frames; i++)
        {
            var (frame, boundaries) = Frame(random);
            if (KernelAccepts(frame))
                cases.Add(frame);
            var lengths = new SortedSet<int>();
            foreach (var boundary in boundaries)
            {
                for (var length = boundary - 1; length <= boundary + 1; length++)
                {
                    if (length >= MinimumLength && length < frame.Length)
                        lengths.Add(length);
                }
            }
            foreach (var length in lengths.Where(l => KernelAccepts(frame.AsSpan(0, l))))
                cases.Add(frame[..length]);
        }

        for (var i = 0; i < RandomPackets; i++)
        {
            var packet = new byte[random.Next(MinimumLength, 141)];
            random.NextBytes(packet);
            if (KernelAccepts(packet))
                cases.Add(packet);
        }
        return cases;
    }

    private static (byte[] Frame, List<int> Boundaries) Frame(Random random)
    {
        var frame = new List<byte>();
        var boundaries = new List<int>();
        frame.AddRange(Bytes(random, 12));
        var tags = random.Next(3);
        for (var i = 0; i < tags; i++)
        {
            Add16(frame, random.Next(2) == 0 ? (ushort)0x8100 : (ushort)0x88A8);
            boundaries.Add(frame.Count);
            Add16(frame, (ushort)random.Next(0x10000));
        }

        var l3 = random.Next(10);
        ushort etherType = l3 switch
        {
            < 4 => 0x0800,
            < 7 => 0x86DD,
            < 8 => 0x0806,
            _ => (ushort)random.Next(0x10000),
        };
        Add16(frame, etherType);
        boundaries.Add(frame.Count);

        byte protocol;
        if (etherType == 0x0800)
        {
            var ihl = random.Next(8) switch { < 5 => 5, 5 => random.Next(6, 16), 6 => random.Next(0, 5), _ => 5 };
            var version = random.Next(12) == 0 ? random.Next(16) : 4;
            protocol = Protocol(random);
            var start = frame.Count;
            frame.Add((byte)(version << 4 | ihl));
            frame.AddRange(Bytes(random, 7));
            frame[start + 6] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)0x40;
            frame.Add(random.Next(4) == 0 ? (byte)random.Next(3) : (byte)64);
            frame.Add(protocol);
            frame.AddRange(Bytes(random, 2));
            Add32(frame, Address(random));
            Add32(frame, Address(random));
            boundaries.Add(frame.Count);
            if (ihl > 5)
            {
                frame.AddRange(Bytes(random, (ihl - 5) * 4));
                boundaries.Add(frame.Count);
            }
        }
        else if (etherType == 0x86DD)
        {
            protocol = Protocol(random);
            var first = random.Next(12) == 0 ? (uint)random.Next() : 0x6000_0000u | (uint)random.Next(0x10_0000);
            Add32BigEndian(frame, first);
            frame.AddRange(Bytes(random, 2));
            frame.Add(protocol);
            frame.Add((byte)random.Next(256));
            for (var i = 0; i < 8; i++)
                Add32(frame, random.Next(2) == 0 ? Address(random) : (uint)random.Next());
            boundaries.Add(frame.Count);
        }
        else
        {
            frame.AddRange(Bytes(random, random.Next(48)));
            return (frame.ToArray(), boundaries);
        }

        var l4 = frame.Count;
        if (protocol == 6)
        {
            Add16(frame, Port(random));
            boundaries.Add(frame.Count);
            Add16(frame, Port(random));
            boundaries.Add(frame.Count);
            frame.AddRange(Bytes(random, 8));
            var dataOffset = random.Next(8) switch { < 6 => 5, 6 => random.Next(6, 16), _ => random.Next(0, 5) };
            frame.Add((byte)(dataOffset << 4));
            frame.Add((byte)random.Next(256));
            frame.AddRange(Bytes(random, 6));
            boundaries.Add(frame.Count);
            if (dataOffset > 5)
            {
                frame.AddRange(Bytes(random, (dataOffset - 5) * 4));
                boundaries.Add(frame.Count);
            }
        }
        else if (protocol == 17)
        {
            Add16(frame, Port(random));
            boundaries.Add(frame.Count);
            Add16(frame, Port(random));
            boundaries.Add(frame.Count);
            Add16(frame, random.Next(4) == 0 ? (ushort)random.Next(8) : (ushort)random.Next(8, 0x10000));
            frame.AddRange(Bytes(random, 2));
            boundaries.Add(frame.Count);
        }
        boundaries.Add(l4);
        frame.AddRange(Bytes(random, random.Next(33)));
        return (frame.ToArray(), boundaries);
    }

    private static byte Protocol(Random random) => random.Next(10) switch
    {
        < 4 => 6,
        < 8 => 17,
        8 => 1,
        _ => (byte)random.Next(256),
    };

    private static uint Address(Random random) => random.Next(4) < 3 ? Addresses[random.Next(Addresses.Length)] : (uint)random.Next();

    private static ushort Port(Random random) => random.Next(3) < 2 ? Ports[random.Next(Ports.Length)] : (ushort)random.Next(0x10000);

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Add16(List<byte> frame, ushort hostOrder)
    {
        frame.Add((byte)(hostOrder >> 8));
        frame.Add((byte)hostOrder);
    }

    // Addresses are kept as the uint a little-endian load of the network-order bytes gives, as the programs see them.
    private static void Add32(List<byte> frame, uint loaded)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, loaded);
        frame.AddRange(bytes.ToArray());
    }

    private static void Add32BigEndian(List<byte> frame, uint hostOrder)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, hostOrder);
        frame.AddRange(bytes.ToArray());
    }
}
