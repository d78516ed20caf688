using Grpc.Core;
using Netfence.Daemon.Attachments;

namespace Netfence.Daemon.Api;

/// <summary>The gRPC status of each kind of attachment failure.</summary>
static class StatusCodesFor
{
    public static StatusCode Code(AttachmentErrorKind kind) => kind switch
    {
        AttachmentErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        AttachmentErrorKind.NotFound => StatusCode.NotFound,
        AttachmentErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        AttachmentErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        AttachmentErrorKind.Unavailable => StatusCode.Unavailable,
        AttachmentErrorKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        AttachmentErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    public static RpcException Exception(AttachmentException e) => new(new Status(Code(e.Kind), e.Message));
}
