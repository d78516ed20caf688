namespace Netfence.Dns.Wire;

/// <summary>
/// The octets a message was parsed from (a copy the holder may patch) and where the TTL of each of its records is in
/// them: the answer records', then the authority records', then the additional records' (the OPT record has none).
/// </summary>
internal sealed record ReceivedWire(byte[] Octets, int[] TtlOffsets);
