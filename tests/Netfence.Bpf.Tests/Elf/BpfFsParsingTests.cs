using Netfence.Bpf.Pinning;

namespace Netfence.Bpf.Tests.Elf;

public class BpfFsParsingTests
{
    [Fact]
    public void Bpf_mounts_are_read_from_proc_mounts_text()
    {
        const string mounts = """
            sysfs /sys sysfs rw,nosuid 0 0
            cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
            bpf /sys/fs/bpf bpf rw,relatime,mode=700 0 0
            none /run/my\040pins bpf rw 0 0
            """;
        Assert.Equal(["/sys/fs/bpf", "/run/my pins"], BpfFs.ParseMounts(mounts));
        Assert.Empty(BpfFs.ParseMounts("proc /proc proc rw 0 0\n"));
    }
}
