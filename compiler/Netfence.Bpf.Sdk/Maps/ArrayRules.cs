namespace Netfence.Bpf.Sdk;

// array_map_update_elem's checks, in the kernel's order, shared by the plain and per-CPU arrays.
internal static class ArrayRules
{
    public static long CheckUpdate(uint key, uint maxEntries, UpdateFlag flags)
    {
        if ((ulong)flags > (ulong)UpdateFlag.Exist)
            return -Errno.EINVAL;
        if (key >= maxEntries)
            return -Errno.E2BIG;
        if (flags == UpdateFlag.NoExist)
            return -Errno.EEXIST;
        return 0;
    }
}
