namespace Netfence.Bpf.Programs;

/// <summary>A wait until every BPF program running when it was called has returned (see <see cref="ProgramGracePeriod"/>).</summary>
public interface IGracePeriod
{
    /// <summary>Returns once every program that was running at the call has finished.</summary>
    void Wait();
}
