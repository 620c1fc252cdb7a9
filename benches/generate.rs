//! Writes realistic large ASA configurations, deterministically from a seed: interfaces,
//! routes, thousands of objects and nested object-groups, ACEs mixing hosts, subnets,
//! groups and ports across several bound access lists, and hundreds of NAT rules; plus a
//! deployment that places an MRA pair (Expressway-C on inside, a single-NIC Expressway-E
//! with static NAT on the DMZ) on it.

use std::fmt::Write;

/// xorshift64*: small, fast, and the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const PORTS: &[&str] = &[
    "22", "80", "443", "8443", "5061", "5222", "7001", "2222", "3478", "25", "53", "123", "389",
    "636", "www", "https", "ssh", "domain",
];

fn host(rng: &mut Rng) -> String {
    format!(
        "10.{}.{}.{}",
        40 + rng.below(150),
        rng.below(256),
        1 + rng.below(254)
    )
}

fn subnet(rng: &mut Rng) -> String {
    format!(
        "10.{}.{}.0 255.255.255.0",
        40 + rng.below(150),
        rng.below(256)
    )
}

/// A configuration with about `aces` access-list entries.
pub fn config(aces: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(aces * 90);
    let objects = (aces / 10).max(20);
    let groups = (aces / 50).max(5);
    let acls = (aces / 5000).clamp(2, 40);
    out.push_str("ASA Version 9.16(4)\n!\nhostname asa-bench\nnames\n!\n");
    let interfaces = [
        ("outside", 0, "64.100.0.2 255.255.255.0"),
        ("inside", 100, "10.0.30.1 255.255.255.0"),
        ("dmz", 50, "10.0.10.1 255.255.255.0"),
    ];
    for (i, (name, level, address)) in interfaces.iter().enumerate() {
        let _ = write!(out, "interface GigabitEthernet0/{i}\n nameif {name}\n security-level {level}\n ip address {address}\n!\n");
    }
    for v in 0..12 {
        let _ = write!(out, "interface GigabitEthernet1/0.{}\n vlan {}\n nameif vlan{v}\n security-level {}\n ip address 10.{}.0.1 255.255.0.0\n!\n", 100 + v, 100 + v, 20 + v, 40 + v * 12);
    }
    let _ = writeln!(out, "object network EXPC\n host 10.0.30.2\nobject network EXPE\n host 10.0.10.2\nobject network EXPE-PUBLIC\n host 64.100.0.10\nobject network INSIDE-NET\n subnet 10.0.30.0 255.255.255.0");
    for i in 0..objects {
        let kind = i % 10;
        let _ = if kind < 6 {
            writeln!(out, "object network H{i}\n host {}", host(&mut rng))
        } else if kind < 9 {
            writeln!(out, "object network N{i}\n subnet {}", subnet(&mut rng))
        } else {
            let a = 1 + rng.below(200);
            writeln!(
                out,
                "object network R{i}\n range 10.{}.0.{a} 10.{}.0.{}",
                40 + i % 150,
                40 + i % 150,
                a + 1 + rng.below(50)
            )
        };
    }
    let object_name = |i: usize| match i % 10 {
        0..=5 => format!("H{i}"),
        6..=8 => format!("N{i}"),
        _ => format!("R{i}"),
    };
    for g in 0..groups {
        let _ = writeln!(out, "object-group network G{g}");
        for _ in 0..(3 + rng.below(15)) {
            let _ = match rng.below(4) {
                0 => writeln!(out, " network-object host {}", host(&mut rng)),
                1 => writeln!(out, " network-object {}", subnet(&mut rng)),
                _ => writeln!(
                    out,
                    " network-object object {}",
                    object_name(rng.below(objects as u64) as usize)
                ),
            };
        }
        if g >= 10 && rng.below(3) == 0 {
            let _ = writeln!(out, " group-object G{}", rng.below(g as u64 - 1));
        }
    }
    for g in 0..(groups / 4).max(2) {
        let _ = writeln!(out, "object-group service S{g} tcp");
        for _ in 0..(1 + rng.below(6)) {
            let _ = writeln!(out, " port-object eq {}", rng.pick(PORTS));
        }
    }
    let per_acl = aces / acls;
    for a in 0..acls {
        let name = format!("ACL{a}_in");
        let _ = writeln!(out, "access-list {name} remark generated list {a}");
        for _ in 0..per_acl {
            let action = if rng.below(10) == 0 { "deny" } else { "permit" };
            let source = match rng.below(10) {
                0..=3 => format!("host {}", host(&mut rng)),
                4..=5 => subnet(&mut rng),
                6..=7 => format!("object {}", object_name(rng.below(objects as u64) as usize)),
                8 => format!("object-group G{}", rng.below(groups as u64)),
                _ if rng.below(3) == 0 => "any4".to_string(),
                _ => format!("host {}", host(&mut rng)),
            };
            let destination = match rng.below(20) {
                0..=8 => format!("host {}", host(&mut rng)),
                9..=12 => subnet(&mut rng),
                13..=16 => format!("object {}", object_name(rng.below(objects as u64) as usize)),
                17..=18 => format!("object-group G{}", rng.below(groups as u64)),
                _ if rng.below(5) == 0 => "any".to_string(),
                _ => format!("host {}", host(&mut rng)),
            };
            let port = if rng.below(2) == 0 {
                rng.pick(PORTS).to_string()
            } else {
                (1024 + rng.below(64_000)).to_string()
            };
            let _ = match rng.below(10) {
                0..=5 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} eq {port}"),
                6 => writeln!(out, "access-list {name} extended {action} udp {source} {destination} range {} {}", 1024 + rng.below(1000), 3000 + rng.below(1000)),
                7 => writeln!(out, "access-list {name} extended {action} tcp {source} {destination} object-group S{}", rng.below((groups / 4).max(2) as u64)),
                8 => writeln!(out, "access-list {name} extended {action} icmp {source} {destination} echo"),
                _ => writeln!(out, "access-list {name} extended {action} ip {source} {destination} log"),
            };
        }
        let interface = match a {
            0 => "inside".to_string(),
            1 => "outside".to_string(),
            2 => "dmz".to_string(),
            n => format!("vlan{}", (n - 3) % 12),
        };
        if a < 15 {
            let _ = writeln!(out, "access-group {name} in interface {interface}");
        }
    }
    // MRA: C reaches E's LAN1 and the internet reaches E's public address.
    let _ = writeln!(
        out,
        "access-list ACL0_in line 1 extended permit tcp object EXPC object EXPE eq 7001"
    );
    let _ = writeln!(
        out,
        "access-list ACL1_in line 1 extended permit tcp any object EXPE eq 5061"
    );
    out.push_str("nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n");
    for t in 0..(aces / 2000).clamp(10, 60) {
        let _ = writeln!(
            out,
            "nat (vlan{},outside) source dynamic N{} interface",
            t % 12,
            (t * 10 + 6) % objects.max(7)
        );
    }
    for i in 0..(aces / 500).clamp(50, 300) {
        let _ = writeln!(
            out,
            "object network S-NAT{i}\n host 10.{}.{}.{}\n nat (vlan{},outside) static 64.101.{}.{}",
            40 + (i % 12) * 12,
            rng.below(256),
            1 + rng.below(254),
            i % 12,
            i / 250,
            i % 250 + 1
        );
    }
    out.push_str("object network EXPE\n nat (dmz,outside) static 64.100.0.10\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\n");
    out.push_str("same-security-traffic permit intra-interface\n");
    out.push_str("route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n");
    for r in 0..50 {
        let _ = writeln!(
            out,
            "route inside 172.{}.{}.0 255.255.255.0 10.0.30.254 1",
            16 + r % 16,
            r
        );
    }
    out.push_str("timeout conn 2:00:00 half-closed 0:10:00 udp 0:02:00\n");
    out.push_str("class-map inspection_default\n match default-inspection-traffic\npolicy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n  inspect ftp\nservice-policy global_policy global\n");
    out
}

/// The deployment that places an MRA pair on the generated firewall.
pub fn deployment(config_file: &str) -> String {
    format!(
        "version: 1\nfirewalls:\n  - name: asa-bench\n    config: {config_file}\ndns:\n  expe.example.com: 64.100.0.10\nexpressway_c:\n  nodes:\n    - name: expc1\n      address: 10.0.30.2\nexpressway_e:\n  nic: single\n  size: large\n  nodes:\n    - name: expe1\n      lan1: 10.0.10.2/24\n      static_nat: 64.100.0.10\n      gateway: 10.0.10.1\ntraversal_zones:\n  - name: UCTraversal\n    type: unified-communications\n    port: 7001\n    peers: [expe.example.com]\nservices:\n  im_presence: true\n  turn: true\ninternet_client: 198.51.100.7\n"
    )
}
