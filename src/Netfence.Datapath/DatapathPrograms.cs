using Netfence.Bpf.Elf;
using Netfence.Bpf.Links;
using Netfence.Bpf.Programs;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>
/// The filter programs loaded from an ELF object against the shared maps, which the loader adopts by name from
/// <see cref="SharedMaps.PinDirectory"/>. One copy of each program serves every attachment. The object is the C#
/// programs (programs/Netfence.Programs) as our compiler built them, embedded in this assembly; another object with
/// the same programs and maps (the clang-compiled C reference the tests compare against) loads by path.
/// </summary>
public sealed class DatapathPrograms : IDisposable
{
    private readonly Collection _collection;

    private DatapathPrograms(Collection collection) => _collection = collection;

    /// <summary>The name of the embedded compiled object, also what verifier messages and inspect call it.</summary>
    public const string CompiledObjectName = "Netfence.Programs.o";

    /// <summary>Loads every program of the compiled C# object embedded in this assembly, sharing <paramref name="maps"/>.</summary>
    public static DatapathPrograms Load(SharedMaps maps) => Load(CompiledObject(), CompiledObjectName, maps);

    /// <summary>Loads every program of the object at <paramref name="objectPath"/>, sharing <paramref name="maps"/>.</summary>
    public static DatapathPrograms Load(string objectPath, SharedMaps maps)
    {
        ArgumentNullException.ThrowIfNull(objectPath);
        return Load(BpfObjectReader.Read(objectPath), maps);
    }

    private static DatapathPrograms Load(byte[] elf, string name, SharedMaps maps) => Load(BpfObjectReader.Read(elf, name), maps);

    private static DatapathPrograms Load(CollectionSpec spec, SharedMaps maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        return new DatapathPrograms(CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = maps.PinDirectory }));
    }

    /// <summary>The bytes of the embedded compiled object (the C# programs as netfence-bpfc wrote them).</summary>
    public static byte[] CompiledObject()
    {
        using var stream = typeof(DatapathPrograms).Assembly.GetManifestResourceStream(CompiledObjectName)
                           ?? throw new InvalidOperationException($"{CompiledObjectName} is not embedded in {typeof(DatapathPrograms).Assembly.GetName().Name}: build programs/Netfence.Programs with its eBPF compile step on");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The loaded programs by name.</summary>
    public IReadOnlyDictionary<string, BpfProgram> Programs => _collection.Programs;

    /// <summary>A loaded program by name (see <see cref="ProgramNames"/>).</summary>
    public BpfProgram this[string name] =>
        _collection.Programs.TryGetValue(name, out var program) ? program
            : throw new KeyNotFoundException($"the datapath object has no program '{name}' (it has {string.Join(", ", _collection.Programs.Keys)})");

    /// <summary>
    /// Attaches the TC filter to the host-side device's ingress, where the workload's outbound traffic arrives
    /// (pitfall 5). The attachment's entry must be written first (<see cref="RuleSetWriter.Apply"/>): a device
    /// without one drops everything.
    /// </summary>
    public Attachment AttachInterface(int ifindex, TcAttachOptions? options = null) =>
        TcAttach.Attach(this[ProgramNames.TcIngress], ifindex, TcDirection.Ingress, options);

    /// <summary>Attaches connect4/6, sendmsg4/6 and cgroup_skb egress to a cgroup; all or none.</summary>
    public IReadOnlyList<Attachment> AttachCgroup(string cgroupPath, CgroupAttachMode mode = CgroupAttachMode.Auto)
    {
        (string Program, AttachType Hook)[] hooks =
        [
            (ProgramNames.Connect4, AttachType.CgroupInet4Connect),
            (ProgramNames.Connect6, AttachType.CgroupInet6Connect),
            (ProgramNames.Sendmsg4, AttachType.CgroupUdp4Sendmsg),
            (ProgramNames.Sendmsg6, AttachType.CgroupUdp6Sendmsg),
            (ProgramNames.CgroupSkbEgress, AttachType.CgroupInetEgress),
        ];
        var attached = new List<Attachment>();
        try
        {
            foreach (var (program, hook) in hooks)
                attached.Add(CgroupAttach.Attach(this[program], cgroupPath, hook, mode));
            return attached;
        }
        catch
        {
            foreach (var a in attached)
            {
                a.Detach();
                a.Dispose();
            }
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _collection.Dispose();
}
