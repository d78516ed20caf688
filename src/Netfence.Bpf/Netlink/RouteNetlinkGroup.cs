namespace Netfence.Bpf.Netlink;

/// <summary>
/// rtnetlink multicast groups (<c>RTNLGRP_*</c>), joined with NETLINK_ADD_MEMBERSHIP. The group numbers are not the
/// legacy <c>RTMGRP_*</c> bind masks, which stop at 32 groups.
/// </summary>
public enum RouteNetlinkGroup : uint
{
    /// <summary>RTNLGRP_LINK: RTM_NEWLINK and RTM_DELLINK for every device of the namespace.</summary>
    Link = 1,
}
