using Netfence.Bpf.Links;
using Netfence.Policy.Metadata;
using Netfence.Policy.Targets;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Tests.Policy;

public class TargetAndMetadataTests
{
    const string HybridMounts = """
        tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
        cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
        """;

    [Fact]
    public void FindsTheCgroup2MountBesideV1()
    {
        // The mount table is read by the loader's CgroupV2; targets are canonical relative to what it finds.
        var mount = CgroupV2.FindMount(HybridMounts);
        Assert.Equal("/sys/fs/cgroup/unified", mount);
        Assert.Equal("/x", CgroupTarget.Parse("/sys/fs/cgroup/unified/x/", mount).RelativePath);
    }

    [Theory]
    [InlineData("/x", "/x")]
    [InlineData("/x/", "/x")]
    [InlineData("//x//y/", "/x/y")]
    [InlineData("/x/./y", "/x/y")]
    [InlineData("/sys/fs/cgroup/unified/x", "/x")]
    [InlineData("/sys/fs/cgroup/unified", "/")]
    [InlineData("/", "/")]
    [InlineData("/sys/fs/cgroup/memory/x", "/sys/fs/cgroup/memory/x")]
    public void CgroupPathsAreCanonical(string path, string relative)
    {
        var target = CgroupTarget.Parse(path, "/sys/fs/cgroup/unified");
        Assert.Equal(relative, target.RelativePath);
        Assert.Equal(relative == "/" ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup/unified" + relative, target.FullPath);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("x", "relative")]
    [InlineData("/x/../../etc", "contains '..'")]
    [InlineData("/sys/fs/cgroup/unified/..", "contains '..'")]
    [InlineData("/x\0y", "NUL")]
    public void BadCgroupPathsAreRejected(string path, string problem)
    {
        var e = Assert.Throws<PolicyValidationException>(() => CgroupTarget.Parse(path, "/sys/fs/cgroup/unified"));
        Assert.Equal("cgroup_path", e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("veth-abc.100")]
    [InlineData("123456789012345")]
    public void ValidInterfaceNames(string name) => Assert.Equal(name, InterfaceName.Validate(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1234567890123456", "longer than 15")]
    [InlineData("..", "not a valid")]
    [InlineData("eth0:1", "contains ':'")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("a b", "contains ' '")]
    [InlineData("eth\u00e9", "contains")]
    public void BadInterfaceNamesAreRejected(string name, string problem)
    {
        var e = Assert.Throws<PolicyValidationException>(() => InterfaceName.Validate(name));
        Assert.Equal("interface_name", e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void MetadataPairsParse()
    {
        var metadata = AttachmentMetadata.Parse("vm_id=abc,zone=eu-1,expr=a=b");
        Assert.Equal(3, metadata.Count);
        Assert.Equal("abc", metadata["vm_id"]);
        Assert.Equal("a=b", metadata["expr"]);
        Assert.Equal("expr=a=b,vm_id=abc,zone=eu-1", metadata.ToString());
        Assert.Empty(AttachmentMetadata.Parse(""));
    }

    [Theory]
    [InlineData("a=1,,b=2", "pair 2 of 'a=1,,b=2' is empty")]
    [InlineData("a=1,", "pair 2 of 'a=1,' is empty")]
    [InlineData("a=1,b", "pair 2 'b' has no '='")]
    [InlineData("=x", "pair 1 '=x' has no key")]
    [InlineData("a=", "metadata[a]: the value is empty")]
    [InlineData("a=1,a=2", "the key 'a' appears twice")]
    [InlineData(" a=1", "must start with a letter or digit")]
    [InlineData("a b=1", "contains ' '")]
    public void MalformedPairsAreNamed(string text, string problem)
    {
        Assert.Contains(problem, Assert.Throws<PolicyValidationException>(() => AttachmentMetadata.Parse(text)).Message);
    }

    [Fact]
    public void MetadataLimits()
    {
        Assert.Contains("more than 64 pairs", Assert.Throws<PolicyValidationException>(() =>
            AttachmentMetadata.From(Enumerable.Range(0, 65).Select(i => new KeyValuePair<string, string>($"k{i}", "v")))).Message);
        Assert.Contains("longer than 63", Assert.Throws<PolicyValidationException>(() =>
            AttachmentMetadata.From([new(new string('k', 64), "v")])).Message);
        Assert.Contains("longer than 1024", Assert.Throws<PolicyValidationException>(() =>
            AttachmentMetadata.From([new("k", new string('v', 1025))])).Message);
        Assert.Contains("control character", Assert.Throws<PolicyValidationException>(() =>
            AttachmentMetadata.From([new("k", "a\nb")])).Message);
    }
}
