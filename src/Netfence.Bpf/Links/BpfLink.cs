using Netfence.Bpf.Pinning;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Links;

/// <summary>
/// A bpf link (cgroup or TCX): a kernel object that holds the attachment for as long as an fd
/// or a bpffs pin refers to it.
/// </summary>
public sealed class BpfLink : Attachment
{
    readonly string _description;

    BpfLink(BpfFd fd, string description, string? pinPath)
    {
        Fd = fd;
        _description = description;
        PinPath = pinPath;
    }

    /// <summary>The link's fd.</summary>
    public BpfFd Fd { get; }

    /// <summary>Where the link is pinned, when this object pinned it or was opened from a pin.</summary>
    public string? PinPath { get; private set; }

    /// <inheritdoc />
    public override string Description => _description;

    /// <inheritdoc />
    public override bool CanPin => true;

    /// <summary>The kernel's id of this link.</summary>
    public uint Id => ReadInfo().Id;

    /// <summary>The id of the program the link attaches.</summary>
    public uint ProgramId => ReadInfo().ProgramId;

    /// <summary>Creates a link with BPF_LINK_CREATE; the attr names program, target and attach type.</summary>
    internal static BpfLink Create(ref LinkCreateAttr attr, string description)
        => new(BpfSyscall.CallForFd(BpfCommand.LinkCreate, ref attr, description), description, null);

    /// <summary>Adopts a link pinned at <paramref name="path"/> by an earlier process.</summary>
    public static BpfLink OpenPinned(string path)
    {
        var fd = ObjectPin.Open(path);
        return new BpfLink(fd, $"bpf link pinned at {path}", path);
    }

    /// <inheritdoc />
    public override void Pin(string path)
    {
        ThrowIfDetached();
        if (PinPath is not null) throw new InvalidOperationException($"{Description} is already pinned at {PinPath}");
        ObjectPin.Pin(Fd, path);
        PinPath = path;
    }

    /// <summary>
    /// Detaches with BPF_LINK_DETACH (the attachment goes even if other fds or pins still hold
    /// the link object), then removes our pin and closes the fd.
    /// </summary>
    public override void Detach()
    {
        ThrowIfDetached();
        var attr = new FdOnlyAttr { Fd = (uint)Fd.Value };
        if (BpfSyscall.Try(BpfCommand.LinkDetach, ref attr, out var errno) < 0
            // Link types without a detach operation (kernels before 5.9 for cgroups) go away
            // when their last reference does: the unpin and close below.
            && errno is not (Errno.EOPNOTSUPP or Errno.ENOTSUPP))
            throw new BpfException(BpfCommand.LinkDetach.Name(), errno, BpfException.HintFor(BpfCommand.LinkDetach, errno), Description);
        if (PinPath is not null) ObjectPin.Unpin(PinPath);
        PinPath = null;
        Fd.Dispose();
        IsDetached = true;
    }

    /// <inheritdoc />
    protected override void ReleaseHandles() => Fd.Dispose();

    unsafe (uint Id, uint ProgramId) ReadInfo()
    {
        // struct bpf_link_info starts with type, id, prog_id (u32 each); a shorter info_len is
        // allowed and the kernel fills only what fits.
        uint* info = stackalloc uint[4];
        var attr = new ObjInfoAttr { BpfFd = (uint)Fd.Value, InfoLen = 16, Info = (ulong)info };
        BpfSyscall.Call(BpfCommand.ObjGetInfoByFd, ref attr, Description);
        return (info[1], info[2]);
    }
}
