using System.Net;
using Netfence.Sandbox;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>An attached workload of the attack lab: its probe agent, its attachment's DNS server, and a way to run a program inside it.</summary>
public sealed record LabWorkload(string Name, ProbeAgentProcess Agent, IPEndPoint Dns, Func<string, string[], Command.Result> RunProgram)
{
    /// <summary>Runs a Python program inside the workload and returns its one line of output (it prints its outcome).</summary>
    public string Python(string program)
    {
        var result = RunProgram("python3", ["-c", program]);
        Assert.True(result.ExitCode == 0, $"the attack program failed in {Name}: {result.StdErr}");
        return result.StdOut.Trim();
    }

    public override string ToString() => Name;
}
