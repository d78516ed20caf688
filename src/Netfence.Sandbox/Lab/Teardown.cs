namespace Netfence.Sandbox.Lab;

/// <summary>
/// Disposes what a lab made, in the order given, trying every piece even when one before it fails (a half-removed lab
/// leaves namespaces and cgroups behind); the failures come out together. Pieces not made yet (null) are skipped, so a
/// lab whose set-up failed half-way tears down the same way.
/// </summary>
public static class Teardown
{
    /// <summary>Disposes each of <paramref name="pieces"/> (<see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) in order.</summary>
    /// <exception cref="AggregateException">One or more pieces failed; <paramref name="what"/> names the whole.</exception>
    public static async Task AllAsync(string what, IEnumerable<object?> pieces)
    {
        var errors = new List<Exception>();
        foreach (var piece in pieces)
        {
            try
            {
                switch (piece)
                {
                    case null:
                        break;
                    case IAsyncDisposable asynchronous:
                        await asynchronous.DisposeAsync();
                        break;
                    case IDisposable synchronous:
                        synchronous.Dispose();
                        break;
                    default:
                        throw new ArgumentException($"{piece.GetType().Name} cannot be disposed", nameof(pieces));
                }
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        if (errors.Count > 0) throw new AggregateException($"{what} failed", errors);
    }
}
