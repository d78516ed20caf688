using Proto = Netfence.Protocol.V1;

namespace Netfence.Policy.Modes;

/// <summary>Conversions of <see cref="AttachmentType"/>.</summary>
public static class AttachmentTypes
{
    /// <summary>The protocol value.</summary>
    public static Proto.AttachmentType ToProto(this AttachmentType type) => (Proto.AttachmentType)(int)type;
}
