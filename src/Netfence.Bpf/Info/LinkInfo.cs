namespace Netfence.Bpf.Info;

/// <summary>What the kernel reports about a link.</summary>
/// <param name="Id">The kernel's link id.</param>
/// <param name="Type">The link type.</param>
/// <param name="ProgramId">Id of the program the link attaches.</param>
public sealed record LinkInfo(uint Id, LinkType Type, uint ProgramId);
