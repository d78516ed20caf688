namespace Netfence.Bpf.Sdk;

/// <summary>The flags of bpf_map_update_elem.</summary>
public enum UpdateFlag : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only; -EEXIST if the key exists.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace only; -ENOENT if the key does not exist.</summary>
    Exist = 2,
}
