namespace Netfence.Daemon.Attachments;

/// <summary>Why an attachment operation failed, in the terms a caller acts on (the API maps each to a gRPC status).</summary>
public enum AttachmentErrorKind
{
    /// <summary>The request itself is malformed (a bad target spelling, a bad metadata pair, a bad page token).</summary>
    InvalidArgument,
    /// <summary>What the request names does not exist (the interface, the cgroup, the attachment id).</summary>
    NotFound,
    /// <summary>The target is attached already.</summary>
    AlreadyExists,
    /// <summary>The host or the control plane is not in a state that allows it (e.g. the control plane sent an invalid ack).</summary>
    FailedPrecondition,
    /// <summary>The control plane is not connected and the configuration says Attach must fail then.</summary>
    Unavailable,
    /// <summary>The control plane did not answer in time.</summary>
    DeadlineExceeded,
    /// <summary>A limit is reached: DNS ports, datapath map capacity.</summary>
    ResourceExhausted,
    /// <summary>The kernel or the store failed; the message says what.</summary>
    Internal,
}
