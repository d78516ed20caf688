using System.Net;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Programs.Layout;

namespace Netfence.Datapath.KernelTests;

/// <summary>Fresh shared maps in a scratch pin directory, a writer, and one build of the programs loaded against them.</summary>
internal sealed class DatapathFixture : IDisposable
{
    public const int Loopback = 1;

    private readonly PinScratch _pins = new();

    public DatapathFixture(DatapathObject build)
    {
        try
        {
            Maps = SharedMaps.OpenOrCreate(_pins.Path);
            Writer = new RuleSetWriter(Maps);
            Programs = build == DatapathObject.CSharp ? DatapathPrograms.Load(Maps) : DatapathPrograms.Load(ReferencePath, Maps);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The clang-compiled C reference.</summary>
    public static string ReferencePath => ReferenceObjects.Compile("../bench/reference/netfence_datapath.c");

    public string PinDirectory => _pins.Path;
    public SharedMaps Maps { get; } = null!;
    public RuleSetWriter Writer { get; } = null!;
    public DatapathPrograms Programs { get; } = null!;

    public static RuleSet Rules(PolicyMode mode, string[]? allow = null, string[]? deny = null) =>
        new(mode,
            (allow ?? []).Select(c => new CidrRule(IPNetwork.Parse(c), null)),
            (deny ?? []).Select(c => new CidrRule(IPNetwork.Parse(c), null)),
            DnsPolicy.RefuseAll);

    /// <summary>Runs the TC program on a frame as if it arrived on the loopback device's ingress.</summary>
    public int RunTc(byte[] frame) =>
        ProgramTestRun.Run(Programs[ProgramNames.TcIngress], frame, Frames.Context(Loopback)).SignedReturnValue;

    public void Dispose()
    {
        Programs?.Dispose();
        Maps?.Dispose();
        _pins.Dispose();
    }
}
