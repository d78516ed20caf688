using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Programs.Layout;

namespace Netfence.Datapath.KernelTests;

/// <summary>A second process (a restarted daemon) adopts the pinned maps and what they enforce, for each build.</summary>
public abstract class RestartTests(DatapathObject build)
{
    private static readonly AttachmentTarget Lo = AttachmentTarget.Interface(DatapathFixture.Loopback);

    [KernelFact]
    public void Reopening_adopts_the_pinned_maps_and_the_first_apply_replaces_the_unknown_old_set()
    {
        using var f = new DatapathFixture(build);
        Assert.False(f.Maps.Adopted);
        f.Writer.Apply(Lo, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.1.0.0/16", "10.2.0.0/16"]), new AttachmentSettings());
        var frame = Frames.Ethernet(0x0800, Frames.Ipv4("10.2.3.4", 6, 443));
        Assert.Equal(-1, f.RunTc(frame));

        using var reopened = SharedMaps.OpenOrCreate(f.PinDirectory);
        Assert.True(reopened.Adopted);
        var writer = new RuleSetWriter(reopened);
        Assert.Contains(Lo, writer.Targets);
        Assert.Throws<InvalidOperationException>(() => writer.RemoveCidr(Lo, System.Net.IPNetwork.Parse("10.1.0.0/16"), deny: false));
        // Enforcement continued untouched; the adopted writer's first apply swaps in the stored rules.
        Assert.Equal(-1, f.RunTc(frame));
        writer.Apply(Lo, DatapathFixture.Rules(PolicyMode.Allowlist, ["10.1.0.0/16"]), new AttachmentSettings());
        Assert.Equal(2, f.RunTc(frame));
        var keys = reopened.Rules4.Keys().ToList();
        Assert.Single(keys);
        Assert.Equal(reopened.Attachments.Lookup(Lo.Key).RuleSet, keys[0].RuleSet);
        Assert.Equal(RuleSetIds.For(0, second: true), keys[0].RuleSet);
    }
}

/// <summary>The cases on the C# programs as our compiler built them.</summary>
public sealed class CSharpRestartTests() : RestartTests(DatapathObject.CSharp);

/// <summary>The same cases on the clang-compiled C reference.</summary>
public sealed class ReferenceRestartTests() : RestartTests(DatapathObject.CReference);
