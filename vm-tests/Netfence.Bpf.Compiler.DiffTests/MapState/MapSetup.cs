using Netfence.Bpf.Sdk;
using KernelMap = Netfence.Bpf.Maps.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>
/// How the harness seeds and compares one map field of the corpus; <see cref="Pair"/> binds it to the field's
/// managed map and the loaded kernel map.
/// </summary>
public abstract record MapSetup(string Field, bool ResetEachCase)
{
    /// <summary>Binds the setup to both sides of the map.</summary>
    public abstract IMapPair Pair(object managed, KernelMap kernel, DeterministicBpfRuntime runtime);
}
