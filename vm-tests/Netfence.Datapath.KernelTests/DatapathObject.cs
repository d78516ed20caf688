namespace Netfence.Datapath.KernelTests;

/// <summary>Which build of the datapath's programs a test runs: both must decide every case the same way.</summary>
public enum DatapathObject
{
    /// <summary>programs/Netfence.Programs compiled by our compiler, embedded in Netfence.Datapath.</summary>
    CSharp,

    /// <summary>vm-tests/bench/reference/netfence_datapath.c compiled by clang at test time.</summary>
    CReference,
}
