using Netfence.Daemon.Targets.Cgroups;

namespace Netfence.Daemon.Tests.Targets;

public class CgroupPathTests
{
    [Theory]
    [InlineData("/sys/fs/cgroup/system.slice/nft1.scope", "/sys/fs/cgroup/system.slice", "nft1.scope")]
    [InlineData("/sys/fs/cgroup/unified/nft1/", "/sys/fs/cgroup/unified", "nft1")]
    [InlineData("/nft1", "/", "nft1")]
    public void A_path_splits_into_the_watched_parent_and_the_name_events_carry(string path, string parent, string name)
        => Assert.Equal((parent, name), CgroupPath.Split(path));

    [Theory]
    [InlineData("")]
    [InlineData("sys/fs/cgroup/a")]
    [InlineData("/")]
    [InlineData("/sys/fs/cgroup/a/..")]
    public void A_path_without_a_parent_and_a_name_is_refused(string path)
        => Assert.Throws<ArgumentException>(() => CgroupPath.Split(path));
}
