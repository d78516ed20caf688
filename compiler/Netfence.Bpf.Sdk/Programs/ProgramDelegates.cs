namespace Netfence.Bpf.Sdk;

/// <summary>A program over packets, for running a program method as .NET (tests bind methods to it).</summary>
public delegate int SkBuffProgram(SkBuff ctx);

/// <summary>A program over socket addresses, for running a program method as .NET.</summary>
public delegate int SockAddrProgram(SockAddr ctx);
