using Netfence.KernelTesting;
using Netfence.Sandbox;

namespace Netfence.Demo.KernelTests;

/// <summary>`./build.sh demo` end to end: the demo's own checks pass, it finishes in time, and it cleans up after itself.</summary>
public sealed class DemoTests
{
    [KernelFact]
    public async Task The_demo_runs_end_to_end_with_every_attempt_as_expected_and_leaves_nothing_behind()
    {
        using var demo = new DemoRun();
        int exit = await demo.ExitCodeAsync();
        Assert.True(exit == 0, $"netfence-demo exited {exit}; its output:\n{demo.Output}");
        Assert.Contains("every attempt behaved as the policy says", demo.Output);
        // Both workloads were attached and checked, and the edit was shown.
        Assert.Contains("netfenced attach --cgroup", demo.Output);
        Assert.Contains("netfenced attach --interface", demo.Output);
        Assert.Contains("after the edit", demo.Output);
        demo.AssertNothingLeftBehind();
    }

    [KernelFact]
    public async Task An_interrupted_demo_exits_non_zero_and_still_removes_everything_it_made()
    {
        using var demo = new DemoRun();
        // Interrupt it once both workloads are attached: the most there is to clean up.
        Assert.True(Poll.Until(() => demo.Output.Contains("netfenced attach --interface", StringComparison.Ordinal), DemoRun.Limit),
            $"the demo never attached the VM; its output:\n{demo.Output}");
        // SIGTERM, which the demo handles as it does Ctrl-C (SIGINT): a test run started in the background by a
        // non-interactive shell (`./.ci/run &`) ignores SIGINT, the demo inherits that, and .NET keeps an inherited
        // ignored SIGINT ignored, as a background job should; SIGTERM reaches it however the tests were started.
        Command.Run("kill", "-TERM", demo.ProcessId.ToString());
        int exit = await demo.ExitCodeAsync();
        Assert.True(exit != 0, $"an interrupted demo exited 0; its output:\n{demo.Output}");
        Assert.Contains("interrupted", demo.Output);
        Assert.Contains("nothing left behind", demo.Output);
        demo.AssertNothingLeftBehind();
    }
}
