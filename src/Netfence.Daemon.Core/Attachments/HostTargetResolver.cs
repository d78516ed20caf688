using Netfence.Bpf.Links;
using Netfence.Daemon.Targets;
using Netfence.Policy.Modes;
using Netfence.Policy.Targets;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// Targets of the host netfenced runs in: interfaces from /sys/class/net (the daemon's network namespace), cgroups
/// inside the cgroup2 mount found in /proc/mounts, canonicalised by <see cref="CgroupTarget"/> so that /x and /x/ are
/// one target (pitfall 15).
/// </summary>
public sealed class HostTargetResolver : ITargetResolver
{
    const string SysClassNet = "/sys/class/net";

    /// <inheritdoc />
    public ResolvedTarget Resolve(AttachmentType type, string target)
    {
        try
        {
            return type switch
            {
                AttachmentType.Tc => ResolveInterface(InterfaceName.Validate(target, "interface_name"))
                    ?? throw new AttachmentException(AttachmentErrorKind.NotFound, $"interface_name: no network interface '{target}' exists in netfenced's network namespace"),
                AttachmentType.Cgroup => ResolveCgroup(ParseCgroup(target), target),
                _ => throw new AttachmentException(AttachmentErrorKind.InvalidArgument, "target: give interface_name or cgroup_path"),
            };
        }
        catch (PolicyValidationException e)
        {
            throw new AttachmentException(AttachmentErrorKind.InvalidArgument, $"{e.Field}: {e.Problem}", e);
        }
    }

    /// <inheritdoc />
    public ResolvedTarget? Find(AttachmentType type, string canonicalName)
    {
        try
        {
            return type == AttachmentType.Tc ? ResolveInterface(canonicalName) : ResolveCgroup(ParseCgroup(canonicalName), canonicalName);
        }
        catch (AttachmentException e) when (e.Kind == AttachmentErrorKind.NotFound)
        {
            return null;
        }
    }

    static CgroupTarget ParseCgroup(string path)
    {
        try
        {
            return CgroupTarget.ParseOnThisHost(path);
        }
        catch (InvalidOperationException e)
        {
            throw new AttachmentException(AttachmentErrorKind.FailedPrecondition, $"cgroup_path: {e.Message}", e);
        }
    }

    static ResolvedTarget? ResolveInterface(string name)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(SysClassNet, name, "ifindex")).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (!int.TryParse(text, out var ifindex) || ifindex <= 0)
            throw new AttachmentException(AttachmentErrorKind.Internal, $"{SysClassNet}/{name}/ifindex holds '{text}', not an ifindex");
        return new ResolvedTarget(AttachmentType.Tc, name, name, new WatchedTarget.Interface(ifindex, name));
    }

    static ResolvedTarget ResolveCgroup(CgroupTarget cgroup, string asGiven)
    {
        // A directory that is not a cgroup (no cgroup.procs) cannot exist inside the cgroup2 mount, but a path to a
        // file can: name both plainly.
        if (!Directory.Exists(cgroup.FullPath))
            throw new AttachmentException(AttachmentErrorKind.NotFound,
                $"cgroup_path: '{asGiven}' ({cgroup.FullPath}) does not exist; create the cgroup first (mkdir {cgroup.FullPath})");
        // The path is canonical and inside the mount already (CgroupTarget read the mount table): the id is the
        // directory's inode, without a second read of /proc/mounts for every attach and every adopted attachment.
        var id = CgroupV2.TryId(cgroup.FullPath)
                 ?? throw new AttachmentException(AttachmentErrorKind.NotFound, $"cgroup_path: '{asGiven}' ({cgroup.FullPath}) was removed while it was being attached");
        return new ResolvedTarget(AttachmentType.Cgroup, cgroup.RelativePath, cgroup.FullPath, new WatchedTarget.Cgroup(id, cgroup.FullPath));
    }
}
