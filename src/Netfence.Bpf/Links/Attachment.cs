namespace Netfence.Bpf.Links;

/// <summary>
/// A program attached somewhere in the kernel (a cgroup hook, a network device's TC hook).
/// <para>
/// <see cref="Detach"/> removes the attachment from the kernel. <see cref="IDisposable.Dispose"/>
/// only releases this process's handles: a bpf link that is not pinned then goes away with its
/// last fd (the kernel's rule for links), while legacy attachments (BPF_PROG_ATTACH, netlink
/// filters) and pinned links stay until someone detaches them — which is what lets enforcement
/// survive a daemon restart.
/// </para>
/// </summary>
public abstract class Attachment : IDisposable
{
    /// <summary>What is attached where, for messages and logs.</summary>
    public abstract string Description { get; }

    /// <summary>Whether <see cref="Pin"/> works for this kind of attachment.</summary>
    public virtual bool CanPin => false;

    /// <summary>True once <see cref="Detach"/> succeeded.</summary>
    public bool IsDetached { get; protected set; }

    /// <summary>Pins the attachment on bpffs so that it outlives this process.</summary>
    public virtual void Pin(string path)
        => throw new NotSupportedException($"{Description} cannot be pinned: {WhyNotPinnable}");

    /// <summary>Why <see cref="Pin"/> is unsupported, and what to do instead.</summary>
    protected virtual string WhyNotPinnable => "it is not a bpf link";

    /// <summary>Removes the attachment from the kernel and releases its handles.</summary>
    public abstract void Detach();

    /// <summary>Throws when the attachment was already detached.</summary>
    protected void ThrowIfDetached()
    {
        if (IsDetached) throw new InvalidOperationException($"{Description} was already detached");
    }

    /// <summary>Releases this process's handles (see the class remarks for what stays attached).</summary>
    public void Dispose()
    {
        ReleaseHandles();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the fds this object owns.</summary>
    protected abstract void ReleaseHandles();

    /// <inheritdoc />
    public override string ToString() => Description;
}
