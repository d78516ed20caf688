namespace Netfence.Bpf.Sdk;

/// <summary>The errno values map helpers return negated (e.g. -<see cref="EEXIST"/>), as the kernel does.</summary>
public static class Errno
{
    /// <summary>No such entry.</summary>
    public const int ENOENT = 2;
    /// <summary>Index beyond an array, or a hash map is full.</summary>
    public const int E2BIG = 7;
    /// <summary>No room in a ring buffer.</summary>
    public const int EAGAIN = 11;
    /// <summary>The key exists (update with NoExist).</summary>
    public const int EEXIST = 17;
    /// <summary>Invalid flags, deleting from an array, prefix longer than the key.</summary>
    public const int EINVAL = 22;
    /// <summary>An LPM trie is full.</summary>
    public const int ENOSPC = 28;
}
