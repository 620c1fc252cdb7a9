use crate::mra::peers::{client_zones, points_at_e};
use super::{at_dump, declare_rule, dumps, Context};
use crate::finding::Finding;
use crate::xconfig::model::{Recorded, Side, Zone, ZoneType};

declare_rule! {
    /// ## What it does
    /// Pairs each traversal client zone in Expressway-C's `xconfig` dump with the
    /// traversal server zone in Expressway-E's dump that listens on its SIP port, and
    /// flags a client zone no server zone listens for, or a pair whose Collaboration Edge
    /// (Unified Communications traversal), SIP transport or SIP protocol differ, whose
    /// authentication user names differ, or (for non-MRA zones with H.323 on at both
    /// ends) whose H.323 port or protocol differ. Zones whose peers are not this
    /// deployment's Expressway-E are left to XCF002.
    ///
    /// ## Why is this bad?
    /// The traversal zone never becomes active: C connects to a port E does not listen
    /// on, or E refuses what C offers. A Unified Communications client zone paired with a
    /// classic server zone (or the reverse) connects but MRA does not work: no SSH
    /// tunnels, no edge configuration. The firewall may be perfect and MRA still fails.
    ///
    /// ## Example
    /// ```text
    /// C: *c xConfiguration Zones Zone 2 TraversalClient SIP Port: "7003"
    /// E: *c xConfiguration Zones Zone 1 TraversalServer SIP Port: "7001"
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// C: *c xConfiguration Zones Zone 2 TraversalClient SIP Port: "7001"
    /// ```
    /// (and the firewall opened for the port the zones share).
    ///
    /// ## References
    /// - Cisco Expressway Administrator Guide, Firewall traversal (traversal zones)
    /// - Cisco Expressway MRA Deployment Guide, "Unified Communications traversal zone"
    pub static RULE = {
        code: "XCF001",
        name: "traversal-zone-unpaired",
        severity: Error,
        summary: "a traversal client zone on C has no server zone on E at its SIP port, or the two disagree",
    };
}

/// A text setting, or its documented default when the dump does not print it.
fn text_or(fact: &Option<Recorded<String>>, default: &str) -> String {
    fact.as_ref()
        .map_or(default.to_string(), |f| f.value.clone())
}

fn switch_word(fact: &Option<Recorded<bool>>) -> &'static str {
    if fact.as_ref().is_some_and(|f| f.value) {
        "on"
    } else {
        "off"
    }
}

/// Where a client zone and its server zone disagree: one line per setting.
fn differences(client: &Zone, server: &Zone) -> Vec<String> {
    let mut out = Vec::new();
    if client.is_mra() != server.is_mra() {
        out.push(format!(
            "Collaboration Edge (Unified Communications traversal) is {} on C, {} on E",
            switch_word(&client.edge),
            switch_word(&server.edge)
        ));
    }
    for (what, c, e, default) in [
        (
            "SIP transport",
            &client.sip_transport,
            &server.sip_transport,
            "TLS",
        ),
        (
            "SIP protocol",
            &client.sip_protocol,
            &server.sip_protocol,
            "Assent",
        ),
    ] {
        let (c, e) = (text_or(c, default), text_or(e, default));
        if !c.eq_ignore_ascii_case(&e) {
            out.push(format!("{what} is {c} on C, {e} on E"));
        }
    }
    if let (Some(c), Some(e)) = (&client.username, &server.username) {
        if c.value != e.value {
            out.push(format!(
                "C authenticates as `{}`, E expects `{}`",
                c.value, e.value
            ));
        }
    }
    let h323_on = |z: &Zone| z.h323_mode.as_ref().is_some_and(|m| m.value);
    if !client.is_mra() && h323_on(client) && h323_on(server) {
        if let (Some(c), Some(e)) = (&client.h323_port, &server.h323_port) {
            if c.value != e.value {
                out.push(format!("H.323 port is {} on C, {} on E", c.value, e.value));
            }
        }
        let (c, e) = (
            text_or(&client.h323_protocol, "Assent"),
            text_or(&server.h323_protocol, "Assent"),
        );
        if !c.eq_ignore_ascii_case(&e) {
            out.push(format!("H.323 protocol is {c} on C, {e} on E"));
        }
    }
    out
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some((c, zones)) = client_zones(cx.project) else {
        return;
    };
    let Some((e, servers)) = dumps(cx, Side::E).find_map(|d| {
        let servers: Vec<&Zone> = d.node.zones_of(ZoneType::TraversalServer).collect();
        (!servers.is_empty()).then_some((d, servers))
    }) else {
        return;
    };
    for zone in zones.into_iter().filter(|z| points_at_e(cx.project, z)) {
        let Some(port) = &zone.sip_port else {
            continue;
        };
        let here = at_dump(c, port, format!("C connects to port {}", port.value));
        match servers
            .iter()
            .find(|s| s.sip_port.as_ref().is_some_and(|p| p.value == port.value))
        {
            None => {
                let listening: Vec<String> = servers
                    .iter()
                    .filter_map(|s| {
                        Some(format!("`{}` on {}", s.label(), s.sip_port.as_ref()?.value))
                    })
                    .collect();
                let mut finding = RULE
                    .finding(
                        format!(
                            "traversal client zone `{}` connects to port {}, but no traversal server zone on Expressway-E listens there (E has {})",
                            zone.label(),
                            port.value,
                            listening.join(", ")
                        ),
                        here,
                    )
                    .with_help("give the client zone the SIP port of its server zone on E (or create the server zone), and open that port from C to E on the firewall");
                for server in &servers {
                    if let Some(p) = &server.sip_port {
                        finding = finding.with_related(at_dump(
                            e,
                            p,
                            format!("E's server zone `{}`", server.label()),
                        ));
                    }
                }
                out.push(finding);
            }
            Some(server) => {
                let differences = differences(zone, server);
                if differences.is_empty() {
                    continue;
                }
                let related = server
                    .sip_port
                    .as_ref()
                    .map(|p| at_dump(e, p, format!("E's server zone `{}`", server.label())));
                let mut finding = RULE
                    .finding(
                        format!(
                            "traversal client zone `{}` and Expressway-E's server zone `{}` (port {}) disagree",
                            zone.label(),
                            server.label(),
                            port.value
                        ),
                        here,
                    )
                    .with_notes(differences)
                    .with_help("make the client zone on C match its server zone on E (Unified Communications traversal, transport, protocol, credentials)");
                if let Some(related) = related {
                    finding = finding.with_related(related);
                }
                out.push(finding);
            }
        }
    }
}
