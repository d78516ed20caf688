namespace Netfence.Dns.EventLoops;

/// <summary>A socket an <see cref="EventLoop"/> watches, told on the loop's thread when datagrams wait.</summary>
internal interface IReadable
{
    /// <summary>
    /// Reads what waits (at most one batch, so that one busy socket cannot starve the others of the loop: the loop
    /// asks again while more is waiting) and handles it. Must not block and must not throw.
    /// </summary>
    void OnReadable(DatagramBatch batch);
}
