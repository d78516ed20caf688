using System.Globalization;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// Where an attachment's netlink cls_bpf filter sits, kept in its pin directory as a symbolic link whose target is
/// this text (bpffs holds pins, directories and symlinks, not files). A netlink filter is no bpf object and cannot be
/// pinned, but the filter holds its program and stays on the device after netfenced dies, so enforcement survives
/// a kill -9 by itself; the record is what lets a later netfenced find the filter again (to adopt it, or to remove it
/// when no stored attachment owns it) exactly as it finds a pinned link, by the attachment's directory. The filter
/// carries its attachment's name too (<see cref="FilterName"/>), so that <c>tc filter show</c> says whose it is.
/// </summary>
/// <param name="Ifindex">The device the filter was attached to.</param>
/// <param name="Priority">The filter's priority on the clsact ingress hook.</param>
/// <param name="Handle">The filter's handle.</param>
/// <param name="Name">The filter's name (TCA_BPF_NAME), checked before anything deletes the filter.</param>
/// <param name="CreatedQdisc">Whether netfenced made the clsact qdisc (and removes it with the last filter on it).</param>
public sealed record TcFilterRecord(int Ifindex, ushort Priority, uint Handle, string Name, bool CreatedQdisc)
{
    /// <summary>The record's name in the attachment's pin directory.</summary>
    public const string FileName = "tc-filter";

    /// <summary>The filter name of an attachment: its id, so that an operator listing filters sees whose it is.</summary>
    public static string FilterName(string id) => "netfence-" + id;

    /// <summary>Whether <paramref name="directory"/> holds a record (a netlink-attached attachment).</summary>
    public static bool ExistsIn(string directory) => new FileInfo(Path.Combine(directory, FileName)).LinkTarget is not null;

    /// <summary>Writes (or replaces) the record in <paramref name="directory"/>.</summary>
    public void WriteTo(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (new FileInfo(path).LinkTarget is not null) File.Delete(path);
        File.CreateSymbolicLink(path, ToString());
    }

    /// <summary>Reads the record of <paramref name="directory"/>; null when it has none.</summary>
    /// <exception cref="FormatException">The record is not one netfenced wrote; the message quotes it.</exception>
    public static TcFilterRecord? ReadFrom(string directory)
    {
        var text = new FileInfo(Path.Combine(directory, FileName)).LinkTarget;
        return text is null ? null : Parse(text);
    }

    /// <summary>Parses <see cref="ToString"/>'s text.</summary>
    /// <exception cref="FormatException">A field is missing or malformed; the message quotes the text.</exception>
    public static TcFilterRecord Parse(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=');
            if (equals <= 0 || !fields.TryAdd(part[..equals], part[(equals + 1)..]))
                throw new FormatException($"the tc filter record '{text}' has a malformed or repeated field '{part}'");
        }
        string Field(string key) => fields.TryGetValue(key, out var value) ? value
            : throw new FormatException($"the tc filter record '{text}' has no {key}");
        try
        {
            var handle = Field("handle");
            if (!handle.StartsWith("0x", StringComparison.Ordinal)) throw new FormatException("handle is not hexadecimal");
            var record = new TcFilterRecord(
                int.Parse(Field("ifindex"), NumberStyles.None, CultureInfo.InvariantCulture),
                ushort.Parse(Field("prio"), NumberStyles.None, CultureInfo.InvariantCulture),
                uint.Parse(handle.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                Field("name"),
                Field("qdisc") switch
                {
                    "ours" => true,
                    "theirs" => false,
                    var other => throw new FormatException($"qdisc is '{other}', not ours or theirs"),
                });
            if (record.Ifindex <= 0 || record.Priority == 0 || record.Handle == 0 || record.Name.Length == 0)
                throw new FormatException("ifindex, prio and handle must be positive and the name non-empty");
            return record;
        }
        catch (Exception e) when (e is FormatException or OverflowException && !e.Message.StartsWith("the tc filter record", StringComparison.Ordinal))
        {
            throw new FormatException($"the tc filter record '{text}' is malformed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ifindex={Ifindex} prio={Priority} handle=0x{Handle:x} qdisc={(CreatedQdisc ? "ours" : "theirs")} name={Name}");
}
