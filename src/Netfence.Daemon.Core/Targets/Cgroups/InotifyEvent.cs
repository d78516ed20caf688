using System.Buffers.Binary;
using System.Text;

namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>One <c>struct inotify_event</c>: the watch, what happened, and the entry's name for directory events.</summary>
internal readonly record struct InotifyEvent(int Watch, InotifyMask Mask, uint Cookie, string? Name)
{
    /// <summary>Size of the fixed part: wd, mask, cookie, len.</summary>
    public const int HeaderSize = 16;

    /// <summary>
    /// Splits what one read(2) returned into events. The kernel pads each name with NULs to an alignment of its own
    /// choosing and says how many bytes it used in <c>len</c>; a record that runs past the data is an error.
    /// </summary>
    public static IReadOnlyList<InotifyEvent> ParseAll(ReadOnlySpan<byte> data)
    {
        var events = new List<InotifyEvent>();
        int offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < HeaderSize)
                throw new FormatException($"inotify event at offset {offset} needs {HeaderSize} bytes, {data.Length - offset} remain");
            var record = data[offset..];
            int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
            if (nameLength > record.Length - HeaderSize)
                throw new FormatException($"inotify event at offset {offset} claims a {nameLength}-byte name, {record.Length - HeaderSize} bytes remain");
            string? name = null;
            if (nameLength > 0)
            {
                var bytes = record.Slice(HeaderSize, nameLength);
                int end = bytes.IndexOf((byte)0);
                name = Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
            }
            events.Add(new InotifyEvent(
                BinaryPrimitives.ReadInt32LittleEndian(record),
                (InotifyMask)BinaryPrimitives.ReadUInt32LittleEndian(record[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(record[8..]),
                name));
            offset += HeaderSize + nameLength;
        }
        return events;
    }
}
