using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Yaml.Policies;

namespace Netfence.ControlPlane.Yaml.Loading;

/// <summary>
/// An <see cref="IPolicySource"/> backed by a YAML policy file (or the embedded default policy). The
/// file is read once at construction, where an invalid file is fatal, and again whenever it changes:
/// a FileSystemWatcher on its directory (so that editors' rename-into-place is seen) and a slow poll
/// trigger a debounced read; a content hash skips reads that changed nothing; a file with errors is
/// logged with its lines and the previous policy stays in force.
/// </summary>
public sealed class YamlPolicySource : IPolicySource
{
    /// <summary>The name used in messages for the embedded default policy.</summary>
    public const string EmbeddedSource = "(embedded default policy)";

    readonly string? path;
    readonly YamlPolicyOptions options;
    readonly ILogger<YamlPolicySource> logger;
    volatile PolicyFile current;
    string lastSeenHash;

    /// <summary>Loads <paramref name="path"/>, or the embedded default policy when it is null.</summary>
    /// <exception cref="PolicyFileException">The file is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public YamlPolicySource(string? path, YamlPolicyOptions options, ILogger<YamlPolicySource> logger)
    {
        this.path = path is null ? null : Path.GetFullPath(path);
        this.options = options;
        this.logger = logger;
        current = this.path is null ? PolicyFileParser.Parse(EmbeddedSource, DefaultPolicyText()) : PolicyFileParser.Parse(this.path, File.ReadAllText(this.path));
        lastSeenHash = current.Hash;
        logger.LogInformation("Policy loaded from {Source}: {Rules} policies, default {Default}", current.Source, current.Rules.Count, current.Default.Mode);
    }

    /// <summary>The policy in force.</summary>
    public PolicyFile Current => current;

    /// <summary>Raised after every read of a changed file, successful or not.</summary>
    public event EventHandler<PolicyReloadedEventArgs>? Reloaded;

    /// <summary>The text of the embedded default policy, the starting point for a new installation.</summary>
    public static string DefaultPolicyText()
    {
        using var stream = typeof(YamlPolicySource).Assembly.GetManifestResourceStream("default-policy.yaml")
            ?? throw new InvalidOperationException("the embedded default policy is missing from " + typeof(YamlPolicySource).Assembly.GetName().Name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <inheritdoc/>
    public ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken) =>
        ValueTask.FromResult(current.Resolve(attachment));

    /// <inheritdoc/>
    public async IAsyncEnumerable<PolicyChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (path is null) yield break;
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        void Poke(object? sender, EventArgs e) => signal.Writer.TryWrite(true);
        watcher.Changed += Poke;
        watcher.Created += Poke;
        watcher.Renamed += Poke;
        watcher.Deleted += Poke;
        watcher.Error += (_, e) =>
        {
            logger.LogWarning(e.GetException(), "Watching {Path} failed; falling back to polling every {Interval}", path, options.PollInterval);
            signal.Writer.TryWrite(true);
        };
        watcher.EnableRaisingEvents = true;
        // A change between the initial read and the watcher's start would otherwise wait for the poll.
        signal.Writer.TryWrite(true);

        while (!cancellationToken.IsCancellationRequested)
        {
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                poll.CancelAfter(options.PollInterval);
                try
                {
                    await signal.Reader.WaitToReadAsync(poll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The poll interval passed: check the hash anyway.
                }
            }
            // Debounce: wait until a burst of notifications is over.
            do
            {
                signal.Reader.TryRead(out _);
                await Task.Delay(options.Debounce, cancellationToken).ConfigureAwait(false);
            }
            while (signal.Reader.TryPeek(out _));

            if (Reload() is { } change) yield return change;
        }
    }

    /// <summary>Reads the file if its content changed; returns the change to push, or null.</summary>
    internal PolicyChange? Reload()
    {
        string text;
        try
        {
            text = File.ReadAllText(path!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (lastSeenHash.Length > 0)
                logger.LogError("Cannot read the policy file {Path} ({Error}); keeping the policy loaded from it before", path, e.Message);
            lastSeenHash = "";
            return null;
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        if (hash == lastSeenHash) return null;
        lastSeenHash = hash;
        PolicyFile next;
        try
        {
            next = PolicyFileParser.Parse(path!, text);
        }
        catch (PolicyFileException e)
        {
            logger.LogError("The policy file changed but is invalid; keeping the previous policy. {Errors}", e.Message);
            Raise(new PolicyReloadedEventArgs(null, e.Errors));
            return null;
        }
        var previous = current;
        current = next;
        logger.LogInformation("Policy reloaded from {Path}: {Rules} policies (content {Hash})", path, next.Rules.Count, next.Hash[..12]);
        Raise(new PolicyReloadedEventArgs(next, []));
        return previous.Hash == next.Hash ? null : PolicyChange.All($"{Path.GetFileName(path)} reloaded");
    }

    void Raise(PolicyReloadedEventArgs args)
    {
        try
        {
            Reloaded?.Invoke(this, args);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A Reloaded handler failed");
        }
    }
}
