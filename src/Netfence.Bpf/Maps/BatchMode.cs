namespace Netfence.Bpf.Maps;

/// <summary>How a map carries out batch operations.</summary>
public enum BatchMode
{
    /// <summary>Use BPF_MAP_*_BATCH where the kernel has it for the map type; per element otherwise.</summary>
    Auto,
    /// <summary>Always one syscall per element (the fallback path, also for comparing results).</summary>
    PerElement,
}
