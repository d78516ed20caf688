using Netfence.Daemon.Targets;
using Netfence.Datapath;
using Netfence.Policy.Modes;
using Netfence.Programs.Layout;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// A target that exists now, named canonically and identified by the kernel (ifindex or cgroup id), so that one
/// device or cgroup cannot be attached twice and a new one that reuses a name is not mistaken for the old one.
/// </summary>
/// <param name="Type">Interface (TC) or cgroup.</param>
/// <param name="Name">The canonical name stored and reported: the interface name, or the cgroup path relative to the cgroup2 mount.</param>
/// <param name="Path">Where the loader finds it: the interface name, or the cgroup directory's full path.</param>
/// <param name="Identity">The kernel identity.</param>
public sealed record ResolvedTarget(AttachmentType Type, string Name, string Path, WatchedTarget Identity)
{
    /// <summary>The key of the datapath's attachment table.</summary>
    public AttachmentTarget Kernel => Identity switch
    {
        WatchedTarget.Interface i => AttachmentTarget.Interface(i.Ifindex),
        WatchedTarget.Cgroup c => new AttachmentTarget(AttachmentKinds.Cgroup, c.Id),
        _ => throw new InvalidOperationException($"unknown target kind {Identity.GetType().Name}"),
    };

    /// <inheritdoc />
    public override string ToString() => Type == AttachmentType.Tc ? $"interface {Name}" : $"cgroup {Name}";
}
