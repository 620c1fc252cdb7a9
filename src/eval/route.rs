//! Route lookup over connected and static routes.

use std::net::Ipv4Addr;

use crate::model::{Firewall, Route};

/// The route the ASA picks for `destination`: the longest prefix, then the lowest
/// distance, then the first in configuration order. With `only`, just routes out of
/// that interface are eligible (the egress check after a NAT divert).
pub fn lookup<'a>(
    firewall: &'a Firewall,
    destination: Ipv4Addr,
    only: Option<&str>,
) -> Option<&'a Route> {
    firewall
        .routes
        .iter()
        .filter(|r| r.covers(destination))
        .filter(|r| only.is_none_or(|o| r.interface.eq_ignore_ascii_case(o)))
        .filter(|r| {
            firewall
                .interface(&r.interface)
                .is_some_and(|i| !i.shutdown)
        })
        .fold(None, |best: Option<&Route>, r| match best {
            Some(b)
                if (b.prefix, std::cmp::Reverse(b.distance))
                    >= (r.prefix, std::cmp::Reverse(r.distance)) =>
            {
                Some(b)
            }
            _ => Some(r),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build;
    use crate::syntax::parse_config;

    fn firewall() -> Firewall {
        build(&parse_config(
            "interface G0\n nameif inside\n ip address 10.0.30.1 255.255.255.0\ninterface G1\n nameif outside\n security-level 0\n ip address 64.100.0.2 255.255.255.0\ninterface G2\n nameif dmz\n security-level 50\n ip address 10.0.10.1 255.255.255.0\n shutdown\nroute outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nroute inside 10.0.0.0 255.0.0.0 10.0.30.254 10\nroute outside 10.0.0.0 255.0.0.0 64.100.0.254 5\n",
        ).config)
    }

    #[test]
    fn longest_prefix_then_distance() {
        let fw = firewall();
        let hop = |d: [u8; 4]| {
            lookup(&fw, Ipv4Addr::from(d), None).map(|r| (r.interface.as_str(), r.gateway))
        };
        assert_eq!(hop([10, 0, 30, 9]), Some(("inside", None)));
        assert_eq!(
            hop([10, 9, 9, 9]),
            Some(("outside", Some(Ipv4Addr::new(64, 100, 0, 254))))
        );
        assert_eq!(
            hop([8, 8, 8, 8]),
            Some(("outside", Some(Ipv4Addr::new(64, 100, 0, 1))))
        );
        // The dmz interface is shut down: its subnet falls to the 10/8 route.
        assert_eq!(hop([10, 0, 10, 2]).unwrap().0, "outside");
        assert!(lookup(&fw, Ipv4Addr::new(8, 8, 8, 8), Some("inside")).is_none());
    }
}
