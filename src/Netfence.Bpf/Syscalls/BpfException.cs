namespace Netfence.Bpf.Syscalls;

/// <summary>
/// A failed kernel call. The message names the operation, the errno by name and, where one
/// helps, what to do about it, so an operator can act without reading the loader's source.
/// </summary>
public class BpfException : Exception
{
    public BpfException(string operation, Errno errno, string? hint = null, string? detail = null)
        : base(Format(operation, errno, hint, detail))
    {
        Operation = operation;
        Errno = errno;
        Hint = hint;
    }

    /// <summary>The operation that failed, e.g. <c>BPF_MAP_CREATE</c> or <c>RTM_NEWTFILTER</c>.</summary>
    public string Operation { get; }

    /// <summary>The errno the kernel answered.</summary>
    public Errno Errno { get; }

    /// <summary>A suggestion for the user, when the errno has a usual cause.</summary>
    public string? Hint { get; }

    static string Format(string operation, Errno errno, string? hint, string? detail)
    {
        var text = $"{operation} failed: {errno.Name()} ({errno.Describe()})";
        if (!string.IsNullOrEmpty(detail)) text += $" [{detail}]";
        if (!string.IsNullOrEmpty(hint)) text += $": {hint}";
        return text;
    }

    /// <summary>The usual cause of an errno for a bpf command, or null when there is none worth saying.</summary>
    public static string? HintFor(BpfCommand command, Errno errno) => (command, errno) switch
    {
        (BpfCommand.ObjPin, Errno.EPERM) => "the path is not on a bpffs mount, or needs root",
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteElem or BpfCommand.MapDeleteBatch, Errno.EPERM) => "the map is frozen (BPF_MAP_FREEZE) or read-only, or the caller needs root or CAP_BPF",
        // Hash maps report exhaustion as E2BIG (arrays: an index past max_entries).
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, Errno.E2BIG) => "the map is full (max_entries reached), or an array index is past max_entries",
        (_, Errno.EPERM) => "needs root, or CAP_BPF (plus CAP_NET_ADMIN for networking programs)",
        (_, Errno.E2BIG) => "the kernel rejected the request's size: non-zero bytes past what this kernel knows, or too large a value",
        (BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch, Errno.ENOSPC) => "the map is full (max_entries reached)",
        (BpfCommand.MapUpdateElem, Errno.EEXIST) => "the key exists and the update asked for NOEXIST",
        (BpfCommand.MapUpdateElem or BpfCommand.MapLookupElem or BpfCommand.MapDeleteElem, Errno.ENOENT) => "no such key",
        (BpfCommand.ProgLoad, Errno.EINVAL or Errno.EACCES) => "the verifier rejected the program: see the verifier log",
        (BpfCommand.ProgLoad, Errno.ENOSPC) => "the verifier log did not fit its buffer",
        (BpfCommand.MapCreate, Errno.EINVAL) => "the kernel rejected the map's type, sizes or flags (LPM tries need BPF_F_NO_PREALLOC)",
        (BpfCommand.ObjPin, Errno.EEXIST) => "something is already pinned at that path",
        (BpfCommand.ObjPin or BpfCommand.ObjGet, Errno.ENOENT) => "no such path on bpffs",
        (BpfCommand.LinkCreate, Errno.ENODEV) => "no network interface with that index in the calling thread's network namespace",
        (BpfCommand.LinkCreate, Errno.EINVAL) => "this kernel does not support this attach type for the program, or the program was loaded for another expected_attach_type",
        (_, Errno.ENOSYS) => "the kernel was built without bpf() support",
        (_, Errno.EBADF) => "a file descriptor passed to the kernel was closed or not of the right kind",
        _ => null,
    };
}
