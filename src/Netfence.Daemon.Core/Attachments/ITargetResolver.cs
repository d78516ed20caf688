using Netfence.Policy.Modes;

namespace Netfence.Daemon.Attachments;

/// <summary>Validates, canonicalises and looks up attachment targets on this host.</summary>
public interface ITargetResolver
{
    /// <summary>The target an Attach request names.</summary>
    /// <exception cref="AttachmentException">InvalidArgument for a malformed name, NotFound when it does not exist.</exception>
    ResolvedTarget Resolve(AttachmentType type, string target);

    /// <summary>The stored (canonical) target as it exists now, or null when it has vanished (restart reconciliation).</summary>
    ResolvedTarget? Find(AttachmentType type, string canonicalName);
}
