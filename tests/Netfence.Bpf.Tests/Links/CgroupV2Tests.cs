using Netfence.Bpf.Links;

namespace Netfence.Bpf.Tests.Links;

public class CgroupV2Tests
{
    [Fact]
    public void The_cgroup2_mount_is_found_beside_v1_hierarchies()
    {
        const string mounts = """
            tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
            cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
            cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
            """;
        Assert.Equal("/sys/fs/cgroup/unified", CgroupV2.FindMount(mounts));
    }

    [Fact]
    public void Octal_escapes_in_the_mount_point_are_decoded()
    {
        Assert.Equal("/mnt/my cgroups", CgroupV2.FindMount("none /mnt/my\\040cgroups cgroup2 rw 0 0\n"));
    }

    [Fact]
    public void No_cgroup2_mount_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CgroupV2.FindMount("cgroup /sys/fs/cgroup/cpu cgroup rw 0 0\n"));
        Assert.Contains("cgroup2", e.Message);
    }
}
