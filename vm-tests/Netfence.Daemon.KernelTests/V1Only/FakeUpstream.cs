using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Netfence.Daemon.KernelTests.V1Only;

/// <summary>A DNS upstream on 127.0.0.1 that answers every question with one A record for <see cref="Answer"/>.</summary>
sealed class FakeUpstream : IDisposable
{
    readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly Thread thread;

    public FakeUpstream(IPAddress answer)
    {
        Answer = answer;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Endpoint = (IPEndPoint)socket.LocalEndPoint!;
        thread = new Thread(Serve) { IsBackground = true };
        thread.Start();
    }

    public IPAddress Answer { get; }
    public IPEndPoint Endpoint { get; }

    void Serve()
    {
        var buffer = new byte[512];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                int length = socket.ReceiveFrom(buffer, ref from);
                if (length < 12) continue;
                // The question as asked, then one answer pointing at its name (offset 12).
                var reply = new byte[length + 16];
                buffer.AsSpan(0, length).CopyTo(reply);
                BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 0x8180);
                BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(6), 1);
                var answer = reply.AsSpan(length);
                BinaryPrimitives.WriteUInt16BigEndian(answer, 0xC00C);
                BinaryPrimitives.WriteUInt16BigEndian(answer[2..], 1);
                BinaryPrimitives.WriteUInt16BigEndian(answer[4..], 1);
                BinaryPrimitives.WriteUInt32BigEndian(answer[6..], 300);
                BinaryPrimitives.WriteUInt16BigEndian(answer[10..], 4);
                Answer.GetAddressBytes().CopyTo(answer[12..]);
                socket.SendTo(reply, from);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Asks <paramref name="server"/> for the A record of <paramref name="name"/>; the response code and answer count, or null on no answer.</summary>
    public static (int Rcode, int Answers)? Query(IPEndPoint server, string name)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.ReceiveTimeout = 2000;
        var query = new List<byte> { 0x4e, 0x46, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            query.Add((byte)label.Length);
            query.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        query.AddRange(new byte[] { 0, 0, 1, 0, 1 });
        client.SendTo(query.ToArray(), server);
        var buffer = new byte[1500];
        try
        {
            int length = client.Receive(buffer);
            if (length < 12) return null;
            return (buffer[3] & 0x0F, BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(6)));
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        thread.Join();
    }
}
