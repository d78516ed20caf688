using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Netfence.ControlPlane.Policies;

/// <summary>
/// A ready change feed for <see cref="IPolicySource.WatchAsync"/>: a source calls <see cref="Publish"/>
/// from wherever its data changes (a file watcher, a database trigger, an admin API) and returns
/// <see cref="ReadAllAsync"/> from <c>WatchAsync</c>. Publishing never blocks; changes queue until the
/// SDK reads them, in order.
/// </summary>
public sealed class PolicyChangeFeed
{
    readonly Channel<PolicyChange> channel = Channel.CreateUnbounded<PolicyChange>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="change"/> for the SDK.</summary>
    public void Publish(PolicyChange change) => channel.Writer.TryWrite(change ?? throw new ArgumentNullException(nameof(change)));

    /// <summary>Ends the feed.</summary>
    public void Complete() => channel.Writer.TryComplete();

    /// <summary>The changes, in order, until <see cref="Complete"/> or cancellation.</summary>
    public async IAsyncEnumerable<PolicyChange> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return change;
    }
}
