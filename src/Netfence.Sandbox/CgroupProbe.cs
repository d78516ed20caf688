using System.Diagnostics;

namespace Netfence.Sandbox;

/// <summary>
/// A process inside a cgroup that makes one TCP connect per request and says how it ended, so a test or benchmark can
/// watch a cgroup's filter change without starting a process per attempt (which would take longer than the change).
/// </summary>
public sealed class CgroupProbe : IDisposable
{
    // Reads "address port" lines; answers each with one word: connected, denied (EPERM from the cgroup's filter) or
    // refused/timeout/error for what the filter did not decide. The connect timeout (argv[1]) is short on purpose: a
    // connect that connect4 allowed just before a revocation has its SYN dropped by cgroup_skb egress (the filter
    // working as it should) and then waits out the timeout; with 2 s, such an attempt added 2 s to a measured
    // "edit → enforced" time that the kernel had already enforced. A loopback handshake takes microseconds.
    const string Script = """
        import socket, sys
        timeout = float(sys.argv[1])
        for line in sys.stdin:
            address, port = line.split()
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(timeout)
            try:
                s.connect((address, int(port)))
                print('connected', flush=True)
            except PermissionError:
                print('denied', flush=True)
            except ConnectionRefusedError:
                print('refused', flush=True)
            except socket.timeout:
                print('timeout', flush=True)
            except OSError as e:
                print('error', e.errno, flush=True)
            finally:
                s.close()
        """;

    static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(100);

    readonly Process process;
    readonly Lock gate = new();

    /// <summary>Starts the probe inside <paramref name="cgroupPath"/> (a directory of the cgroup v2 mount).</summary>
    public CgroupProbe(string cgroupPath)
    {
        var info = new ProcessStartInfo("sh", ["-c", "echo $$ > \"$0/cgroup.procs\" && exec python3 -u -c \"$1\" \"$2\"", cgroupPath, Script,
            Slowness.Scale(ConnectTimeout).TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3 for the cgroup probe");
    }

    /// <summary>One connect from inside the cgroup: "connected", "denied" (the filter's EPERM), "refused", "timeout" or "error N".</summary>
    public string Connect(string address, int port)
    {
        lock (gate)
        {
            process.StandardInput.WriteLine($"{address} {port}");
            process.StandardInput.Flush();
            return process.StandardOutput.ReadLine()
                ?? throw new InvalidOperationException($"the cgroup probe exited (code {(process.HasExited ? process.ExitCode : -1)}) before answering for {address}:{port}");
        }
    }

    /// <summary>Polls <see cref="Connect"/> until it answers <paramref name="expected"/>; false if it did not within <paramref name="timeout"/>.</summary>
    public bool Becomes(string address, int port, string expected, TimeSpan timeout) =>
        Poll.Until(() => Connect(address, port) == expected, timeout, TimeSpan.FromMilliseconds(1));

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5))) process.Kill();
            process.WaitForExit();
        }
        finally
        {
            process.Dispose();
        }
    }
}
