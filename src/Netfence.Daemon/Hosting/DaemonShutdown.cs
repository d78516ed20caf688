using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Netfence.Daemon.Attachments;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// A graceful stop asked through the API. Filters stay pinned and enforcing unless <c>remove_filters</c> is set;
/// once stopping, new attaches are refused so none slips in between the removal and the exit.
/// </summary>
sealed class DaemonShutdown(IHostApplicationLifetime lifetime, AttachmentManager manager)
{
    volatile bool _stopping;

    public bool Stopping => _stopping;

    public void ThrowIfStopping()
    {
        if (_stopping) throw new RpcException(new Status(StatusCode.Unavailable, "netfenced is stopping"));
    }

    public async Task<int> StopAsync(bool removeFilters)
    {
        _stopping = true;
        int detached = 0;
        if (removeFilters)
        {
            detached = manager.Count;
            await manager.RemoveAllAsync();
        }
        // Kestrel finishes in-flight calls (this one included) before it stops.
        lifetime.StopApplication();
        return detached;
    }
}
