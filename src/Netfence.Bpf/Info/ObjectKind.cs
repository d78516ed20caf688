namespace Netfence.Bpf.Info;

/// <summary>The kind of bpf object behind a file descriptor.</summary>
public enum ObjectKind
{
    Map,
    Program,
    Link,
    Btf,
}
