using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Bpf.Features;
using Netfence.Bpf.Links;
using Netfence.Bpf.Memlock;
using Netfence.Bpf.Pinning;
using Netfence.Daemon.Targets;
using Netfence.Datapath;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// <see cref="IDatapath"/> over the shared pinned maps, one loaded copy of the filter programs, and per attachment a
/// directory <c>PIN_DIR/links/ID/</c> by which a restarted daemon finds its filter: enforcement outlives the daemon
/// (pitfall 10). Cgroups get one pinned bpf link per hook (<c>link-N</c>; cgroup links exist since 5.7). Interfaces get
/// a pinned TCX link where the kernel has TCX (6.6), and elsewhere, or when <c>datapath.tc_attach</c> says so, a
/// netlink clsact + cls_bpf filter: that one cannot be pinned, but it holds its program and stays on the device until
/// deleted, so it enforces through a kill -9 all the same; its directory holds a <see cref="TcFilterRecord"/> saying
/// where it is. Every call takes one lock: map writes are microseconds, and the rule-set writer is not thread-safe.
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

    KernelDatapath(SharedMaps maps, RuleSetWriter writer, DatapathPrograms programs, TcAttachMode tcMode, ILogger logger)
    {
        _maps = maps;
        _writer = writer;
        _programs = programs;
        _logger = logger;
        TcMode = tcMode;
        _linksRoot = PinDirectory.Create(Path.Combine(maps.PinDirectory, LinksDirectory));
    }

    /// <summary>Where the maps and links are pinned.</summary>
    public string PinRoot => _maps.PinDirectory;

    /// <summary>
    /// How new interface attachments are made: <see cref="TcAttachMode.Tcx"/> or <see cref="TcAttachMode.Netlink"/>,
    /// never Auto (resolved when opened). Adoption takes an attachment as it was made, whatever this says.
    /// </summary>
    public TcAttachMode TcMode { get; }

    /// <summary>
    /// Opens (or creates) the shared maps pinned in <paramref name="pinDirectory"/> and loads the filter programs
    /// against them: the C#-compiled ones built into Netfence.Datapath, or those of <paramref name="objectPath"/>
    /// (datapath.object, e.g. the C reference) when given.
    /// </summary>
    /// <param name="pinDirectory">datapath.pin_dir.</param>
    /// <param name="objectPath">datapath.object, or null for the built-in programs.</param>
    /// <param name="logger">Where adoption and repairs are logged.</param>
    /// <param name="tcAttach">datapath.tc_attach: Auto takes TCX where the kernel has it (probed) and netlink elsewhere.</param>
    /// <exception cref="InvalidOperationException">bpffs, the object or the maps are not usable, or TCX is forced on a kernel without it; the message says which.</exception>
    public static KernelDatapath Open(string pinDirectory, string? objectPath, ILogger logger, TcAttachMode tcAttach = TcAttachMode.Auto)
    {
        if (objectPath is not null && !File.Exists(objectPath))
            throw new InvalidOperationException($"the filter object {objectPath} (datapath.object) does not exist");
        var tcMode = ResolveTcMode(tcAttach);
        BpfFs.EnsureMounted();
        MemlockLimit.EnsureSufficient();
        var maps = SharedMaps.OpenOrCreate(PinDirectory.Create(pinDirectory));
        try
        {
            var writer = new RuleSetWriter(maps);
            var programs = objectPath is null ? DatapathPrograms.Load(maps) : DatapathPrograms.Load(objectPath, maps);
            logger.LogInformation("interfaces are attached through {Mode} (datapath.tc_attach: {Setting})",
                tcMode == TcAttachMode.Tcx ? "TCX links" : "netlink clsact + cls_bpf filters", tcAttach.ToString().ToLowerInvariant());
            return new KernelDatapath(maps, writer, programs, tcMode, logger);
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    static TcAttachMode ResolveTcMode(TcAttachMode setting) => setting switch
    {
        TcAttachMode.Auto => KernelFeatures.TcxLinks.IsSupported ? TcAttachMode.Tcx : TcAttachMode.Netlink,
        TcAttachMode.Tcx when !KernelFeatures.TcxLinks.IsSupported => throw new InvalidOperationException(
            $"datapath.tc_attach is tcx, but this kernel ({Environment.OSVersion.Version}) has no TCX links (they need kernel ≥ {KernelFeatures.TcxLinks.MinimumKernel}): set it to auto or netlink"),
        TcAttachMode.Tcx or TcAttachMode.Netlink => setting,
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "unknown TC attach mode"),
    };

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
        if (target.Identity is WatchedTarget.Interface { } netlinkDevice && TcMode == TcAttachMode.Netlink)
        {
            AttachFilter(id, netlinkDevice.Ifindex, directory);
            return;
        }
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

    void AttachFilter(string id, int ifindex, string directory)
    {
        var name = TcFilterRecord.FilterName(id);
        var record = new TcFilterRecord(ifindex, TcAttachOptions.DefaultPriority, TcAttachOptions.DefaultHandle, name, CreatedQdisc: false);
        TcFilterAttachment? filter = null;
        try
        {
            // The record comes before the filter: a crash in between leaves a record of nothing (removed as an orphan or
            // replaced by the repair), never a filter that no later netfenced can find. A filter of this attachment
            // already on the device (its record lost) is replaced rather than failing the attach with EEXIST.
            record.WriteTo(directory);
            foreach (var stale in TcFilterAttachment.Find(ifindex, TcDirection.Ingress, name)) stale.Detach();
            filter = (TcFilterAttachment)_programs.AttachInterface(ifindex, new TcAttachOptions { Mode = TcAttachMode.Netlink, FilterName = name });
            if (filter.CreatedQdisc) (record with { CreatedQdisc = true }).WriteTo(directory);
        }
        catch
        {
            if (filter is not null)
            {
                try
                {
                    filter.Detach();
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "rolling back ifindex {Ifindex}: removing {Filter} failed", ifindex, filter.Description);
                }
            }
            PinDirectory.Remove(directory);
            throw;
        }
    }

    /// <inheritdoc />
    public RuleSetSwapTimings Apply(ResolvedTarget target, RuleSet rules, IPEndPoint dns)
    {
        lock (_gate) return _writer.Apply(target.Kernel, rules, Settings(dns));
    }

    /// <inheritdoc />
    public void Learn(ResolvedTarget target, IReadOnlyList<LearnedIp> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries) _writer.SetLearned(target.Kernel, entry);
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
                bool linksIntact = hadEntry.Contains(attachment.Id) && LinksIntact(attachment.Id, attachment.Target);
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

    bool LinksIntact(string id, ResolvedTarget target)
    {
        var directory = LinkDirectory(id);
        if (!Directory.Exists(directory)) return false;
        if (TcFilterRecord.ExistsIn(directory)) return FilterIntact(id, directory, target);
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

    // A netlink filter is intact when its record is readable, names the target's device, and a bpf filter with the
    // recorded name, priority and handle is on that device's ingress, running a program.
    bool FilterIntact(string id, string directory, ResolvedTarget target)
    {
        TcFilterRecord? record;
        try
        {
            record = TcFilterRecord.ReadFrom(directory);
        }
        catch (FormatException e)
        {
            _logger.LogWarning("{Error}; reattaching {Id}", e.Message, id);
            return false;
        }
        if (record is null || target.Identity is not WatchedTarget.Interface device || device.Ifindex != record.Ifindex) return false;
        var filter = TcFilterAttachment.Find(record.Ifindex, TcDirection.Ingress, record.Name)
            .FirstOrDefault(f => f.Priority == record.Priority && f.Handle == record.Handle);
        if (filter?.ProgramId() is not null) return true;
        _logger.LogWarning("the cls_bpf filter {Record} of {Id} is not on the device; reattaching", record, id);
        return false;
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

    // Detaches every link pinned for the attachment (or its recorded netlink filter) and removes its pin directory. A
    // link whose target vanished may refuse to detach; its pin is removed anyway, which releases it. A filter whose
    // device vanished went with it.
    void DetachPinned(string id)
    {
        var directory = LinkDirectory(id);
        if (!Directory.Exists(directory)) return;
        RemoveFilter(id, directory);
        foreach (var pin in Directory.GetFiles(directory))
        {
            if (Path.GetFileName(pin) == TcFilterRecord.FileName) continue;
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

    void RemoveFilter(string id, string directory)
    {
        try
        {
            if (TcFilterRecord.ReadFrom(directory) is not { } record) return;
            // Only the filter at the recorded place with the recorded name: whatever else is on the device is not ours.
            foreach (var filter in TcFilterAttachment.Find(record.Ifindex, TcDirection.Ingress, record.Name, removeQdiscWhenEmpty: record.CreatedQdisc))
            {
                if (filter.Priority == record.Priority && filter.Handle == record.Handle) filter.Detach();
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning("removing the cls_bpf filter of {Id} failed ({Error}); removing its record", id, e.Message);
        }
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
