using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Bpf.Links;
using Netfence.Bpf.Memlock;
using Netfence.Bpf.Pinning;
using Netfence.Daemon.Targets;
using Netfence.Datapath;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// <see cref="IDatapath"/> over the shared pinned maps, one loaded copy of the filter programs, and one bpf link per
/// hook per attachment pinned at <c>PIN_DIR/links/ID/link-N</c>: enforcement outlives the daemon (pitfall 10) and a
/// restarted daemon finds every link by the attachment id. Only bpf links are used (TCX, cgroup links), because
/// they are the attachments that can be pinned, adopted and detached exactly; both exist on every kernel netfenced
/// supports (TCX 6.6, cgroup links 5.7). Every call takes one lock: map writes are microseconds, and the rule-set
/// writer is not thread-safe.
/// </summary>
public sealed class KernelDatapath : IDatapath
{
    /// <summary>The directory under the pin directory that holds one directory of link pins per attachment id.</summary>
    public const string LinksDirectory = "links";

    readonly SharedMaps _maps;
    readonly RuleSetWriter _writer;
    readonly DatapathPrograms _programs;
    readonly string _linksRoot;
    readonly ILogger _logger;
    readonly Lock _gate = new();

    KernelDatapath(SharedMaps maps, RuleSetWriter writer, DatapathPrograms programs, ILogger logger)
    {
        _maps = maps;
        _writer = writer;
        _programs = programs;
        _logger = logger;
        _linksRoot = PinDirectory.Create(Path.Combine(maps.PinDirectory, LinksDirectory));
    }

    /// <summary>Where the maps and links are pinned.</summary>
    public string PinRoot => _maps.PinDirectory;

    /// <summary>
    /// Opens (or creates) the shared maps pinned in <paramref name="pinDirectory"/> and loads the filter programs
    /// against them: the C#-compiled ones built into Netfence.Datapath, or those of <paramref name="objectPath"/>
    /// (datapath.object, e.g. the C reference) when given.
    /// </summary>
    /// <exception cref="InvalidOperationException">bpffs, the object or the maps are not usable; the message says which.</exception>
    public static KernelDatapath Open(string pinDirectory, string? objectPath, ILogger logger)
    {
        if (objectPath is not null && !File.Exists(objectPath))
            throw new InvalidOperationException($"the filter object {objectPath} (datapath.object) does not exist");
        BpfFs.EnsureMounted();
        MemlockLimit.EnsureSufficient();
        var maps = SharedMaps.OpenOrCreate(PinDirectory.Create(pinDirectory));
        try
        {
            var writer = new RuleSetWriter(maps);
            var programs = objectPath is null ? DatapathPrograms.Load(maps) : DatapathPrograms.Load(objectPath, maps);
            return new KernelDatapath(maps, writer, programs, logger);
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Attach(string id, ResolvedTarget target, RuleSet initial, IPEndPoint dns)
    {
        lock (_gate)
        {
            // The entry comes first: a hooked target without one drops everything, with one it enforces `initial`.
            _writer.Apply(target.Kernel, initial, Settings(dns));
            try
            {
                AttachLinks(id, target);
            }
            catch
            {
                _writer.Remove(target.Kernel);
                throw;
            }
        }
    }

    void AttachLinks(string id, ResolvedTarget target)
    {
        var directory = PinDirectory.Create(LinkDirectory(id));
        var attached = new List<Attachment>();
        try
        {
            if (target.Identity is WatchedTarget.Interface device)
                attached.Add(_programs.AttachInterface(device.Ifindex, new TcAttachOptions { Mode = TcAttachMode.Tcx }));
            else
                attached.AddRange(_programs.AttachCgroup(target.Path, CgroupAttachMode.Link));
            for (int i = 0; i < attached.Count; i++) attached[i].Pin(Path.Combine(directory, $"link-{i}"));
        }
        catch
        {
            foreach (var a in attached)
            {
                try
                {
                    a.Detach();
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "rolling back {Target}: detaching {Link} failed", target, a.Description);
                }
            }
            PinDirectory.Remove(directory);
            throw;
        }
        finally
        {
            foreach (var a in attached) a.Dispose();
        }
    }

    /// <inheritdoc />
    public void Apply(ResolvedTarget target, RuleSet rules, IPEndPoint dns)
    {
        lock (_gate) _writer.Apply(target.Kernel, rules, Settings(dns));
    }

    /// <inheritdoc />
    public void Learn(ResolvedTarget target, IReadOnlyList<LearnedIp> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries) _writer.AddLearned(target.Kernel, entry);
        }
    }

    /// <inheritdoc />
    public void Forget(ResolvedTarget target, IReadOnlyList<IPAddress> addresses)
    {
        lock (_gate)
        {
            foreach (var address in addresses) _writer.RemoveLearned(target.Kernel, address);
        }
    }

    /// <inheritdoc />
    public void Remove(string id, ResolvedTarget target)
    {
        lock (_gate)
        {
            DetachPinned(id);
            _writer.Remove(target.Kernel);
        }
    }

    /// <inheritdoc />
    public (ulong Allowed, ulong Blocked) Counters(ResolvedTarget target)
    {
        lock (_gate)
        {
            try
            {
                return _writer.Counters(target.Kernel);
            }
            catch (KeyNotFoundException)
            {
                return (0, 0);
            }
        }
    }

    /// <inheritdoc />
    public DatapathRestore Restore(IReadOnlyList<RestoredAttachment> live)
    {
        lock (_gate)
        {
            var ids = live.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
            int orphans = 0;
            foreach (var directory in Directory.GetDirectories(_linksRoot))
            {
                var id = Path.GetFileName(directory);
                if (ids.Contains(id)) continue;
                _logger.LogInformation("removing the pinned filter of {Id}: no stored attachment owns it", id);
                DetachPinned(id);
                orphans++;
            }
            orphans += _writer.RemoveAllExcept(live.Select(l => l.Target.Kernel).ToHashSet()).Count;

            // A live target without a table entry is a new device or cgroup under an old name, or an attach a crash
            // interrupted: its pinned links (if any) point elsewhere or nowhere.
            var hadEntry = live.Where(l => _writer.Entry(l.Target.Kernel) is not null).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
            var rewritten = _writer.Adopt([.. live.Select(l => new AdoptedPolicy(l.Target.Kernel, l.Rules, l.Learned, Settings(l.Dns)))]).ToHashSet();

            var unchanged = new List<string>();
            var repaired = new List<string>();
            foreach (var attachment in live)
            {
                bool linksIntact = hadEntry.Contains(attachment.Id) && LinksIntact(attachment.Id);
                if (!linksIntact)
                {
                    DetachPinned(attachment.Id);
                    AttachLinks(attachment.Id, attachment.Target);
                }
                (linksIntact && !rewritten.Contains(attachment.Target.Kernel) ? unchanged : repaired).Add(attachment.Id);
            }
            return new DatapathRestore(unchanged, repaired, orphans);
        }
    }

    bool LinksIntact(string id)
    {
        var directory = LinkDirectory(id);
        if (!Directory.Exists(directory)) return false;
        var pins = Directory.GetFiles(directory);
        if (pins.Length == 0) return false;
        foreach (var pin in pins)
        {
            try
            {
                using var fd = ObjectPin.OpenLink(pin);
            }
            catch (Exception e)
            {
                _logger.LogWarning("the pin {Pin} of {Id} is not a usable link ({Error}); reattaching", pin, id, e.Message);
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public void RemoveEverything()
    {
        lock (_gate)
        {
            foreach (var directory in Directory.GetDirectories(_linksRoot)) DetachPinned(Path.GetFileName(directory));
            // One grace period for all of them, not one per attachment.
            _writer.RemoveAllExcept(new HashSet<Netfence.Datapath.AttachmentTarget>());
            PinDirectory.Remove(_linksRoot);
            SharedMaps.Unpin(_maps.PinDirectory);
            if (Directory.Exists(_maps.PinDirectory) && !Directory.EnumerateFileSystemEntries(_maps.PinDirectory).Any())
                Directory.Delete(_maps.PinDirectory);
        }
    }

    // Detaches every link pinned for the attachment and removes its pin directory. A link whose target vanished may
    // refuse to detach; its pin is removed anyway, which releases it.
    void DetachPinned(string id)
    {
        var directory = LinkDirectory(id);
        if (!Directory.Exists(directory)) return;
        foreach (var pin in Directory.GetFiles(directory))
        {
            try
            {
                using var link = BpfLink.OpenPinned(pin);
                link.Detach();
            }
            catch (Exception e)
            {
                _logger.LogWarning("detaching the link pinned at {Pin} failed ({Error}); removing the pin", pin, e.Message);
            }
        }
        PinDirectory.Remove(directory);
    }

    string LinkDirectory(string id) => Path.Combine(_linksRoot, id);

    static AttachmentSettings Settings(IPEndPoint dns) => new()
    {
        DnsIpv4 = dns.AddressFamily == AddressFamily.InterNetwork ? dns.Address : null,
        DnsIpv6 = dns.AddressFamily == AddressFamily.InterNetworkV6 ? dns.Address : null,
        DnsPort = (ushort)dns.Port,
    };

    /// <summary>Releases this process's handles; pins keep the filters enforcing.</summary>
    public void Dispose()
    {
        _programs.Dispose();
        _maps.Dispose();
    }
}
