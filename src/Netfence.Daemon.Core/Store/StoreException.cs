namespace Netfence.Daemon.Store;

/// <summary>
/// The store cannot be opened, read or written. The message names the file and, where the operator
/// can act, what to do.
/// </summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the error.</summary>
    public StoreException(string message, Exception? inner = null) : base(message, inner) { }
}
