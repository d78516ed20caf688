using Netfence.Daemon.Store;
using Netfence.Daemon.KernelTests.Processes;
using Netfence.KernelTesting;

namespace Netfence.Daemon.KernelTests;

/// <summary>
/// Issue 6: a store file that is not a database stops a real netfenced at start with one clear error naming the file,
/// not a stack trace, and the file is left exactly as it was (it may be the only record of what was attached).
/// </summary>
public sealed class CorruptStoreTests
{
    [KernelFact]
    public async Task A_corrupt_store_stops_netfenced_with_a_clear_error_and_is_left_alone()
    {
        // The store's directory lives outside netfenced's scratch root, which a failed start removes, behind a link
        // (removing the root removes the link, not what it points at), so the file can be checked afterwards.
        var root = NetfencedProcess.NewScratchDirectory();
        var data = NetfencedProcess.NewScratchDirectory();
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "data"), data);
            var store = Path.Combine(data, AttachmentStore.FileName);
            var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 37 + 11)).ToArray();
            File.WriteAllBytes(store, garbage);

            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => NetfencedProcess.StartAsync(root, controlPlaneAddress: null));

            Assert.Contains("netfenced exited", e.Message);
            Assert.Contains(Path.Combine(root, "data", AttachmentStore.FileName), e.Message); // as netfenced was told it
            Assert.DoesNotContain("   at ", e.Message); // no stack trace reaches the operator
            Assert.Equal(garbage, File.ReadAllBytes(store));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }
}
