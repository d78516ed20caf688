using Netfence.Daemon.Attachments;
using Netfence.Daemon.Targets;
using Netfence.Policy.Modes;
using Netfence.Policy.Targets;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// Cgroups that exist because a test says so, canonicalised by the real <see cref="CgroupTarget"/> rules against a
/// made-up mount; interfaces resolve through the real resolver (this host has "lo").
/// </summary>
sealed class FakeTargets : ITargetResolver
{
    public const string Mount = "/fake/cgroup";
    readonly HostTargetResolver _host = new();
    readonly HashSet<string> _cgroups = new(StringComparer.Ordinal);
    ulong _nextId = 1000;
    readonly Dictionary<string, ulong> _ids = new(StringComparer.Ordinal);

    public void AddCgroup(string relativePath)
    {
        lock (_cgroups) _cgroups.Add(relativePath);
    }

    public void RemoveCgroup(string relativePath)
    {
        lock (_cgroups) _cgroups.Remove(relativePath);
    }

    public ResolvedTarget Resolve(AttachmentType type, string target)
    {
        if (type != AttachmentType.Cgroup) return _host.Resolve(type, target);
        CgroupTarget parsed;
        try
        {
            parsed = CgroupTarget.Parse(target, Mount);
        }
        catch (PolicyValidationException e)
        {
            throw new AttachmentException(AttachmentErrorKind.InvalidArgument, $"{e.Field}: {e.Problem}", e);
        }
        return Find(type, parsed.RelativePath) ?? throw new AttachmentException(AttachmentErrorKind.NotFound, $"cgroup_path: '{target}' does not exist");
    }

    public ResolvedTarget? Find(AttachmentType type, string canonicalName)
    {
        if (type != AttachmentType.Cgroup) return _host.Find(type, canonicalName);
        lock (_cgroups)
        {
            if (!_cgroups.Contains(canonicalName)) return null;
            if (!_ids.TryGetValue(canonicalName, out var id)) _ids[canonicalName] = id = _nextId++;
            return new ResolvedTarget(AttachmentType.Cgroup, canonicalName, Mount + canonicalName, new WatchedTarget.Cgroup(id, Mount + canonicalName));
        }
    }
}
