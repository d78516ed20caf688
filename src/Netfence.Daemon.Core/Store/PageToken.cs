using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Store;

/// <summary>
/// The opaque List continuation: the (attached_at, id) key of the last item returned. Keyset paging
/// stays stable when attachments are added or removed between pages, unlike an offset.
/// </summary>
static class PageToken
{
    const string Prefix = "nf1";

    public static string Encode(long attachedAtTicks, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Prefix}\n{attachedAtTicks.ToString(CultureInfo.InvariantCulture)}\n{id}"));

    /// <exception cref="PolicyValidationException">The token was not produced by <see cref="Encode"/>.</exception>
    public static (long AttachedAtTicks, string Id) Decode(string token)
    {
        const string field = "page_token";
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new PolicyValidationException(field, "is not a token returned by List (not base64url)");
        }
        var parts = text.Split('\n');
        if (parts.Length != 3 || parts[0] != Prefix || parts[2].Length == 0
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            throw new PolicyValidationException(field, "is not a token returned by List");
        return (ticks, parts[2]);
    }
}
