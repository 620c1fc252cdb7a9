//! The simulator against documented ASA behaviour, case by case. Each case is a small
//! config (a shared base plus its own lines), a packet, and the expected outcome: verdict
//! or drop code, egress interface, the packet as it leaves, and a line that decided it.
//! Each cites the section of docs/asa-semantics.md it encodes (`§2.3` is its section
//! "2.3 Rule kinds"; so are the `// §…` comments below).

use mralint::eval::{simulate, Packet, Verdict};

const BASE: &str = "hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 64.100.0.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 ip address 10.0.30.1 255.255.255.0
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 10.0.10.1 255.255.255.0
interface GigabitEthernet0/3
 nameif dmz2
 security-level 50
 ip address 10.0.20.1 255.255.255.0
object network EXPC
 host 10.0.30.2
object network EXPE
 host 10.0.10.2
object network EXPE-PUBLIC
 host 64.100.0.10
object network INSIDE-NET
 subnet 10.0.30.0 255.255.255.0
";

const DEFAULT_ROUTE: &str = "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n";

struct Case {
    name: &'static str,
    /// The documented behaviour this case encodes.
    cite: &'static str,
    config: &'static str,
    /// `IFC PROTO SRC SPORT DST DPORT`, as packet-tracer takes it.
    packet: &'static str,
    /// `allow`, `to-the-box`, or the drop code.
    verdict: &'static str,
    egress: Option<&'static str>,
    /// `SRC:SPORT -> DST:DPORT` as the packet leaves.
    output: Option<&'static str>,
    /// Text of a config line quoted by some phase.
    line: Option<&'static str>,
}

const fn case(
    name: &'static str,
    cite: &'static str,
    config: &'static str,
    packet: &'static str,
    verdict: &'static str,
) -> Case {
    Case {
        name,
        cite,
        config,
        packet,
        verdict,
        egress: None,
        output: None,
        line: None,
    }
}

impl Case {
    const fn egress(mut self, egress: &'static str) -> Self {
        self.egress = Some(egress);
        self
    }
    const fn output(mut self, output: &'static str) -> Self {
        self.output = Some(output);
        self
    }
    const fn line(mut self, line: &'static str) -> Self {
        self.line = Some(line);
        self
    }
}

fn cases() -> Vec<Case> {
    vec![
        // §2.6 security levels without ACLs
        case("higher to lower is permitted", "§2.6", DEFAULT_ROUTE, "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("outside")
            .output("10.0.30.2:40000 -> 198.51.100.7:443"),
        case("lower to higher is denied", "§2.6", DEFAULT_ROUTE, "outside tcp 198.51.100.7 40000 10.0.30.2 443", "acl-drop")
            .egress("inside"),
        case("equal levels are denied", "§2.6", "", "dmz tcp 10.0.10.2 40000 10.0.20.5 443", "acl-drop"),
        case("equal levels with inter-interface", "§2.6", "same-security-traffic permit inter-interface\n", "dmz tcp 10.0.10.2 40000 10.0.20.5 443", "allow")
            .egress("dmz2"),
        case("inside defaults to level 100", "§1.1", "", "inside tcp 10.0.30.2 40000 10.0.10.2 7003", "allow").egress("dmz"),
        // §2.5 ACLs on real addresses, §2.3 static NAT
        case("object static NAT untranslates on the mapped interface", "§2.3, §2.5 step 2", "object network EXPE\n nat (dmz,outside) static 64.100.0.10\naccess-list OUT extended permit tcp any object EXPE eq 5061\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.10 5061", "allow")
            .egress("dmz")
            .output("198.51.100.7:40000 -> 10.0.10.2:5061")
            .line("nat (dmz,outside) static 64.100.0.10"),
        case("an ACL on the public address does not permit", "§2.5 consequences", "object network EXPE\n nat (dmz,outside) static 64.100.0.10\naccess-list OUT extended permit tcp any object EXPE-PUBLIC eq 5061\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.10 5061", "acl-drop")
            .egress("dmz")
            .line("access-group OUT in interface outside"),
        case("no reflection from another interface", "§2.7", DEFAULT_ROUTE_AND_EXPE_STATIC, "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("outside")
            .output("10.0.30.2:25000 -> 64.100.0.10:7003"),
        case("mapped interface any reflects", "§2.7", "object network EXPE\n nat (dmz,any) static 64.100.0.10\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.30.2:25000 -> 10.0.10.2:7003"),
        case("static NAT translates the real source outbound", "§2.3", DEFAULT_ROUTE_AND_EXPE_STATIC, "dmz tcp 10.0.10.2 25000 198.51.100.7 5061", "allow")
            .egress("outside")
            .output("64.100.0.10:25000 -> 198.51.100.7:5061"),
        case("interface PAT keeps the port", "§2.3", "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("outside")
            .output("64.100.0.2:40000 -> 198.51.100.7:443")
            .line("nat (inside,outside) dynamic interface"),
        case("dynamic PAT is never a reverse mapping", "§2.3, §2.8", "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nobject network POOL\n host 64.100.0.20\nobject network INSIDE-NET\n nat (inside,outside) dynamic POOL\n", "outside tcp 198.51.100.7 40000 64.100.0.20 443", "nat-no-xlate-to-pat-pool"),
        case("reflection that also translates the source (TAC 212347)", "§1.6, §2.5 step 2b", "nat (inside,dmz) source dynamic INSIDE-NET EXPE-PUBLIC destination static EXPE-PUBLIC EXPE\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("64.100.0.10:25000 -> 10.0.10.2:7003"),
        case("destination-only reflection", "§1.6, §2.5 step 2b", "nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.30.2:25000 -> 10.0.10.2:7003"),
        case("a twice rule's destination applies only to its real source", "§2.4", "object network OTHER\n host 10.0.30.99\nnat (inside,dmz) source static OTHER OTHER destination static EXPE-PUBLIC EXPE\nroute outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("outside"),
        // §2.5 step 3 U-turn
        case("U-turn without intra-interface is dropped", "§2.5 step 3, §2.10", DEFAULT_ROUTE, "outside tcp 198.51.100.7 40000 198.51.100.8 443", "acl-drop"),
        case("U-turn with intra-interface is permitted", "§2.5 step 3", "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nsame-security-traffic permit intra-interface\n", "outside tcp 198.51.100.7 40000 198.51.100.8 443", "allow")
            .egress("outside"),
        case("hairpin twice NAT on one interface", "§2.7", "object network WEB-PUBLIC\n host 64.100.0.30\nobject network WEB\n host 10.0.30.30\nsame-security-traffic permit intra-interface\nnat (inside,inside) source dynamic INSIDE-NET interface destination static WEB-PUBLIC WEB\n", "inside tcp 10.0.30.2 40000 64.100.0.30 80", "allow")
            .egress("inside")
            .output("10.0.30.1:40000 -> 10.0.30.30:80"),
        // §1.2 routing
        case("no route", "§2.5 step 2", "", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "no-route"),
        case("longest prefix wins", "§1.2", "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nroute inside 10.50.0.0 255.255.0.0 10.0.30.254 1\n", "dmz tcp 10.0.10.2 40000 10.50.1.1 443", "acl-drop")
            .egress("inside")
            .line("route inside 10.50.0.0 255.255.0.0 10.0.30.254 1"),
        case("lower distance wins on equal prefixes", "§1.2", "route dmz2 0.0.0.0 0.0.0.0 10.0.20.254 10\nroute outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("outside"),
        case("equal prefix and distance: the first route wins", "§1.2 [verify on device]", "route dmz2 0.0.0.0 0.0.0.0 10.0.20.254 1\nroute outside 0.0.0.0 0.0.0.0 64.100.0.1 1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("dmz2"),
        case("route 0 0 shorthand", "§1.2", "route outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow").egress("outside"),
        case("interface names match case-insensitively", "§0 [UNSURE]", "route OUTSIDE 0.0.0.0 0.0.0.0 64.100.0.1 1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow").egress("OUTSIDE"),
        // §2.6 ACLs
        case("an ACE denies", "§2.6", "access-list IN extended deny tcp any any eq 443\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop")
            .line("access-list IN extended deny tcp any any eq 443"),
        case("an ACL replaces the security-level permit (implicit deny)", "§2.6", "access-list IN extended permit tcp any any eq 80\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop")
            .line("access-group IN in interface inside"),
        case("a global ACL applies after the interface ACL", "§2.6", "access-list G extended permit tcp any any eq 443\naccess-group G global\nroute outside 0 0 64.100.0.1\n", "outside tcp 198.51.100.7 40000 10.0.30.2 443", "allow")
            .egress("inside"),
        case("a global ACL ends in implicit deny", "§2.6", "access-list G extended permit tcp any any eq 80\naccess-group G global\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop"),
        case("an outbound ACL filters at egress", "§2.6", "access-list O extended deny tcp any any eq 443\naccess-list O extended permit ip any any\naccess-group O out interface outside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop")
            .line("access-list O extended deny tcp any any eq 443"),
        case("named ports resolve", "§1.10", "access-list IN extended permit tcp any any eq https\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("neq matches every other port", "§1.7", "access-list IN extended permit tcp any any neq 80\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("lt is strict", "§1.7", "access-list IN extended permit tcp any any lt 443\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop"),
        case("gt is strict", "§1.7", "access-list IN extended permit tcp any any gt 442\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("a source port condition", "§1.7", "access-list IN extended permit tcp any range 30000 35999 any eq 443\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop"),
        case("a range object that is not CIDR-aligned", "§2.1", "object network R\n range 198.51.100.5 198.51.100.9\naccess-list IN extended permit tcp any object R eq 443\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("nested network groups", "§1.5", "object-group network A\n network-object host 198.51.100.7\nobject-group network B\n group-object A\naccess-list IN extended permit tcp any object-group B eq 443\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("a tcp-udp port group matches UDP", "§1.5", "object-group service MEDIA tcp-udp\n port-object range 36000 36011\naccess-list IN extended permit udp any any object-group MEDIA\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside udp 10.0.30.2 36002 198.51.100.7 36004", "allow"),
        case("a service group in the protocol slot", "§1.5", "object-group service MRA\n service-object tcp destination eq 7003\n service-object udp destination range 36000 36001\naccess-list IN extended permit object-group MRA any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside udp 10.0.30.2 36002 198.51.100.7 36001", "allow"),
        case("a protocol group", "§1.5", "object-group protocol P\n protocol-object udp\naccess-list IN extended permit object-group P any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop"),
        case("an inactive ACE is skipped", "§2.6", "access-list IN extended permit tcp any any eq 443 inactive\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop"),
        case("a names alias in an ACE", "§0", "names\nname 198.51.100.7 PARTNER\naccess-list IN extended permit tcp any host PARTNER eq 443\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow"),
        case("an ICMP type", "§1.7", "access-list IN extended permit icmp any any echo\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside icmp 10.0.30.2 8 198.51.100.7 0", "allow"),
        case("another ICMP type is denied", "§1.7", "access-list IN extended permit icmp any any echo\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside icmp 10.0.30.2 13 198.51.100.7 0", "acl-drop"),
        // §2.5 step 2 to-the-box
        case("to the ingress interface is to-the-box", "§2.5 step 2", "", "inside tcp 10.0.30.2 40000 10.0.30.1 22", "to-the-box"),
        case("to a far interface is dropped", "§2.5 step 2", "", "inside tcp 10.0.30.2 40000 10.0.10.1 22", "sp-security-failed"),
        // §2.3 rule kinds
        case("unidirectional static is not untranslated", "§2.3", "route outside 0 0 64.100.0.1\nnat (dmz,outside) source static EXPE EXPE-PUBLIC unidirectional\n", "outside tcp 198.51.100.7 40000 64.100.0.10 5061", "acl-drop")
            .egress("outside"),
        case("an inactive NAT rule is ignored", "§2.2", "route outside 0 0 64.100.0.1\nnat (dmz,outside) source static EXPE EXPE-PUBLIC inactive\n", "dmz tcp 10.0.10.2 25000 198.51.100.7 5061", "allow")
            .output("10.0.10.2:25000 -> 198.51.100.7:5061"),
        case("a port-forward static translates the port", "§1.3, §2.3", "object network WEB\n host 10.0.10.80\n nat (dmz,outside) static 64.100.0.80 service tcp 80 8080\naccess-list OUT extended permit tcp any host 10.0.10.80 eq 80\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.80 8080", "allow")
            .output("198.51.100.7:40000 -> 10.0.10.80:80"),
        case("a port-forward static drops other ports (9.0+)", "§2.3 [VERSION]", "object network WEB\n host 10.0.10.80\n nat (dmz,outside) static 64.100.0.80 service tcp 80 8080\n", "outside tcp 198.51.100.7 40000 64.100.0.80 443", "nat-no-xlate-to-pat-pool"),
        case("a subnet static maps address by address", "§1.3, §2.3", "object network DMZ-NET\n subnet 10.0.10.0 255.255.255.0\n nat (dmz,outside) static 64.100.1.0\nroute outside 0 0 64.100.0.1\n", "dmz tcp 10.0.10.7 25000 198.51.100.7 5061", "allow")
            .output("64.100.1.7:25000 -> 198.51.100.7:5061"),
        case("an inline mapped address keeps the real prefix", "§1.3 (Batfish)", "object network DMZ-NET\n subnet 10.0.10.0 255.255.255.0\n nat (dmz,outside) static 64.100.1.111\nroute outside 0 0 64.100.0.1\n", "dmz tcp 10.0.10.7 25000 198.51.100.7 5061", "allow")
            .output("64.100.1.7:25000 -> 198.51.100.7:5061"),
        case("dynamic NAT uses the pool's first address", "§2.3", "object network POOL\n range 64.100.0.50 64.100.0.59\nobject network INSIDE-NET\n nat (inside,outside) dynamic POOL\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.0.50:40000 -> 198.51.100.7:443"),
        case("PAT pool", "§2.3", "object network POOL\n range 64.100.0.50 64.100.0.59\nnat (inside,outside) source dynamic INSIDE-NET pat-pool POOL\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.0.50:40000 -> 198.51.100.7:443"),
        case("traffic aimed at a PAT pool address is dropped", "§2.8", "object network POOL\n range 64.100.0.50 64.100.0.59\nnat (inside,outside) source dynamic INSIDE-NET pat-pool POOL\nroute outside 0 0 64.100.0.1\n", "outside tcp 198.51.100.7 40000 64.100.0.55 443", "nat-no-xlate-to-pat-pool"),
        // §2.2 table order
        case("section 1 comes before object NAT", "§2.2", "route outside 0 0 64.100.0.1\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\nnat (inside,outside) source static EXPC EXPC\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("10.0.30.2:40000 -> 198.51.100.7:443")
            .line("nat (inside,outside) source static EXPC EXPC"),
        case("after-auto comes after object NAT", "§2.2", "route outside 0 0 64.100.0.1\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\nnat (inside,outside) after-auto source static EXPC EXPC\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.0.2:40000 -> 198.51.100.7:443"),
        case("a line number inserts at that position", "§1.6", "route outside 0 0 64.100.0.1\nnat (inside,outside) source dynamic INSIDE-NET interface\nnat (inside,outside) 1 source static EXPC EXPC\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("10.0.30.2:40000 -> 198.51.100.7:443"),
        case("static object NAT before dynamic", "§2.2", "route outside 0 0 64.100.0.1\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\nobject network EXPC\n nat (inside,outside) static 64.100.0.12\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.0.12:40000 -> 198.51.100.7:443"),
        case("fewer real addresses first", "§2.2", "route outside 0 0 64.100.0.1\nobject network BIG\n subnet 10.0.30.0 255.255.255.0\n nat (inside,outside) static 64.100.2.0\nobject network SMALL\n range 10.0.30.0 10.0.30.3\n nat (inside,outside) static 64.100.3.0\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.3.2:40000 -> 198.51.100.7:443"),
        case("same size and address: object names in byte order", "§2.2 [UNSURE]", "route outside 0 0 64.100.0.1\nobject network b-host\n host 10.0.30.2\n nat (inside,outside) static 64.100.0.21\nobject network A-HOST\n host 10.0.30.2\n nat (inside,outside) static 64.100.0.22\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("64.100.0.22:40000 -> 198.51.100.7:443"),
        case("destination from an object rule, source from a twice rule", "§2.2 [verify on device]", "object network EXPE\n nat (dmz,any) static 64.100.0.10\nnat (inside,dmz) after-auto source dynamic any interface\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.10.1:25000 -> 10.0.10.2:7003"),
        case("a twice rule claimed by a rule above it is not used to un-NAT", "§2.2 [verify on device]", "route outside 0 0 64.100.0.1\nnat (inside,outside) source dynamic INSIDE-NET interface\nnat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("outside")
            .output("64.100.0.2:25000 -> 64.100.0.10:7003"),
        case("identity NAT honours its interfaces: no route out of dmz2", "§2.10 [VERSION], §2.5 step 7", "route outside 0 0 64.100.0.1\nnat (inside,dmz2) source static EXPC EXPC destination static EXPE EXPE\n", "inside tcp 10.0.30.2 25000 10.0.10.2 7003", "no-route")
            .egress("dmz2"),
        case("identity NAT with route-lookup applies only where routing leads", "§2.3, §1.3",  "route outside 0 0 64.100.0.1\nnat (inside,dmz2) source static EXPC EXPC destination static EXPE EXPE route-lookup\n", "inside tcp 10.0.30.2 25000 10.0.10.2 7003", "allow")
            .egress("dmz")
            .line("interface GigabitEthernet0/2"),
        case("identity NAT with route-lookup where routing agrees", "§2.3", "route outside 0 0 64.100.0.1\nnat (inside,dmz) source static EXPC EXPC destination static EXPE EXPE route-lookup\n", "inside tcp 10.0.30.2 25000 10.0.10.2 7003", "allow")
            .egress("dmz")
            .line("route-lookup"),
        // §2.3 static address arithmetic and twice-NAT port forwarding
        case("twice NAT port forwarding", "§1.6, §2.3", "object network WEB\n host 10.0.10.80\nobject network WEB-PUBLIC\n host 64.100.0.80\nobject service S80\n service tcp source eq 80\nobject service S8080\n service tcp source eq 8080\nnat (dmz,outside) source static WEB WEB-PUBLIC service S80 S8080\naccess-list OUT extended permit tcp any host 10.0.10.80 eq 80\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.80 8080", "allow")
            .egress("dmz")
            .output("198.51.100.7:40000 -> 10.0.10.80:80"),
        case("many-to-one static: the mapped side reaches the first real address", "§2.3", "object network FARM\n range 10.0.10.80 10.0.10.83\nobject network FARM-PUBLIC\n host 64.100.0.80\nnat (dmz,outside) source static FARM FARM-PUBLIC\naccess-list OUT extended permit tcp any any eq 443\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.80 443", "allow")
            .output("198.51.100.7:40000 -> 10.0.10.80:443"),
        case("one-to-many static: every mapped address leads to the real host", "§2.3", "object network WEB\n host 10.0.10.80\nobject network WEB-PUBLIC\n range 64.100.0.80 64.100.0.83\nnat (dmz,outside) source static WEB WEB-PUBLIC\naccess-list OUT extended permit tcp any any eq 443\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 64.100.0.82 443", "allow")
            .output("198.51.100.7:40000 -> 10.0.10.80:443"),
        case("one-to-many static: the real host leaves as the first mapped address", "§2.3", "route outside 0 0 64.100.0.1\nobject network WEB\n host 10.0.10.80\nobject network WEB-PUBLIC\n range 64.100.0.80 64.100.0.83\nnat (dmz,outside) source static WEB WEB-PUBLIC\n", "dmz tcp 10.0.10.80 40000 198.51.100.7 443", "allow")
            .output("64.100.0.80:40000 -> 198.51.100.7:443"),
        // §2.4 NAT RPF check
        case("the mapped side reaching a static host's real address fails RPF", "§2.4 case (b), §2.7", "object network EXPE\n nat (dmz,any) static 64.100.0.10\n", "inside tcp 10.0.30.2 25000 10.0.10.2 7003", "nat-rpf-failed")
            .egress("dmz")
            .line("nat (dmz,any) static 64.100.0.10"),
        case("an outside host to an inside host under interface PAT fails RPF", "§2.4 case (a)", "route outside 0 0 64.100.0.1\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\naccess-list OUT extended permit tcp any host 10.0.30.2 eq 22\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 10.0.30.2 22", "nat-rpf-failed")
            .line("nat (inside,outside) dynamic interface"),
        case("an identity rule above the PAT passes RPF", "§2.4 case (c)", "route outside 0 0 64.100.0.1\nobject network REMOTE\n host 198.51.100.7\nnat (inside,outside) source static INSIDE-NET INSIDE-NET destination static REMOTE REMOTE\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\naccess-list OUT extended permit tcp any host 10.0.30.2 eq 22\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 10.0.30.2 22", "allow")
            .egress("inside"),
        case("an identity rule below the PAT fails RPF", "§2.4 case (c)", "route outside 0 0 64.100.0.1\nobject network REMOTE\n host 198.51.100.7\nnat (inside,outside) after-auto source static INSIDE-NET INSIDE-NET destination static REMOTE REMOTE\nobject network INSIDE-NET\n nat (inside,outside) dynamic interface\naccess-list OUT extended permit tcp any host 10.0.30.2 eq 22\naccess-group OUT in interface outside\n", "outside tcp 198.51.100.7 40000 10.0.30.2 22", "nat-rpf-failed"),
        case("a client reaching a server's real address on another interface passes", "§2.4", "object network EXPE\n nat (dmz,outside) static 64.100.0.10\n", "inside tcp 10.0.30.2 25000 10.0.10.2 7003", "allow")
            .egress("dmz")
            .output("10.0.30.2:25000 -> 10.0.10.2:7003"),
        // §2.2 table order decides between the two lookups, for rules matched in reverse too
        case("a rule above a reverse-matched twice rule claims the connection", "§2.2 [verify on device]", "route outside 0 0 64.100.0.1\nnat (inside,outside) source static EXPC EXPE-PUBLIC\nnat (outside,inside) source static any any\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("outside")
            .output("64.100.0.10:40000 -> 198.51.100.7:443")
            .line("nat (inside,outside) source static EXPC EXPE-PUBLIC"),
        case("a reverse-matched twice rule above the forward rule un-NATs", "§2.2", "route outside 0 0 64.100.0.1\nnat (outside,inside) source static any any\nnat (inside,outside) source static EXPC EXPE-PUBLIC\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .egress("outside")
            .output("10.0.30.2:40000 -> 198.51.100.7:443"),
        case("an object rule found in reverse still pairs with a lower object rule", "§2.2", "object network EXPE\n nat (dmz,any) static 64.100.0.10\nobject network INSIDE-NET\n nat (inside,dmz) dynamic interface\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.10.1:25000 -> 10.0.10.2:7003"),
        // §1.6, §2.3: a service clause on a reflection translates the destination port (the
        // flow reaches E's address on another port: MRA003 says so)
        case("a reflection with port translation changes the destination port", "§1.6, §2.3", "object service T7003\n service tcp destination eq 7003\nobject service T7001\n service tcp destination eq 7001\nnat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE service T7003 T7001\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.30.2:25000 -> 10.0.10.2:7001"),
        // §2.3 unidirectional stops only connections from the mapped side
        case("a unidirectional reflection carries the real side's connection", "§2.3, §2.4", "nat (inside,dmz) source static INSIDE-NET INSIDE-NET destination static EXPE-PUBLIC EXPE unidirectional\n", "inside tcp 10.0.30.2 25000 64.100.0.10 7003", "allow")
            .egress("dmz")
            .output("10.0.30.2:25000 -> 10.0.10.2:7003"),
        case("a unidirectional static translates outbound and its reply passes RPF", "§2.3, §2.4", "route outside 0 0 64.100.0.1\nnat (dmz,outside) source static EXPE EXPE-PUBLIC unidirectional\n", "dmz tcp 10.0.10.2 25000 198.51.100.7 5061", "allow")
            .output("64.100.0.10:25000 -> 198.51.100.7:5061"),
        // §2.1 FQDN objects, §2.6 time ranges, §2.10 IPv6: decided at run time or not simulated
        case("an entry on an unresolved FQDN is skipped, never matched", "§2.1 [verify on device]", "object network PARTNER\n fqdn partner.example.com\naccess-list IN extended deny tcp any object PARTNER eq 443\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .line("access-list IN extended permit ip any any"),
        case("a time-range entry is treated as active", "§2.6 [verify on device]", "time-range WORK\n periodic weekdays 8:00 to 18:00\naccess-list IN extended deny tcp any any eq 443 time-range WORK\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "acl-drop")
            .line("time-range WORK"),
        case("IPv6 names, objects and NAT leave IPv4 alone", "§1.3, §1.5, §2.10", "names\nname 2001:db8::5 V6HOST\nobject-group network G6\n network-object V6HOST/128\n network-object host V6HOST\nobject service PING6\n service icmp6 neighbor-solicitation\nobject network V6\n host 2001:db8::5\n nat (inside,outside) static 2001:db8:1::5\naccess-list IN extended permit object PING6 object-group G6 any6\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .output("10.0.30.2:40000 -> 198.51.100.7:443"),
        case("pat-pool options after the interface fallback", "§1.3", "object network POOL\n range 64.100.0.50 64.100.0.59\nobject network INSIDE-NET\n nat (inside,outside) dynamic pat-pool POOL interface flat include-reserve\nroute outside 0 0 64.100.0.1\n", "inside tcp 10.0.30.2 40000 198.51.100.7 443", "allow")
            .line("pat-pool POOL interface flat"),
    ]
}

/// The analyses (not the simulator) on small configs: which rule codes a config gets.
/// Each cites the section of docs/asa-semantics.md it encodes.
#[test]
fn analysis_cases() {
    // (name, cite, config lines after BASE, expected codes, sorted)
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "`any` matches IPv6 too: permit ip any any after any4 any4 is reachable",
            "§1.7, §2.10 [VERSION] (9.0+)",
            "access-list IN extended permit ip any4 any4\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\n",
            &[],
        ),
        (
            "an entry covered for IPv4 and IPv6 is unreachable",
            "§1.7, §2.10",
            "access-list IN extended permit ip any any\naccess-list IN extended permit icmp6 any any echo\naccess-group IN in interface inside\n",
            &["ACL001"],
        ),
        (
            "IPv6-only entries do not match nothing",
            "§1.7",
            "object network V6\n host 2001:db8::5\naccess-list IN extended permit tcp any6 object V6 eq 443\naccess-list IN extended permit ip host 2001:db8::1 2001:db8::/64\naccess-group IN in interface inside\n",
            &[],
        ),
        (
            "an inline IPv6 mapped address is an address, not an object",
            "§1.3",
            "object network V6\n host 2001:db8::5\n nat (inside,outside) static 2001:db8:1::5\n",
            &[],
        ),
        (
            "an FQDN entry is neither unreachable nor a blocker",
            "§2.1 [verify on device]",
            "object network P\n fqdn partner.example.com\naccess-list IN extended permit tcp any object P eq 443\naccess-list IN extended permit tcp any any eq 443\naccess-list IN extended permit tcp any object P eq 443\naccess-group IN in interface inside\n",
            &[],
        ),
        (
            "a time-range entry is never a blocker, an unconditional one is",
            "§2.6 [verify on device]",
            "time-range WORK\n periodic weekdays 8:00 to 18:00\naccess-list IN extended permit tcp any any eq 443 time-range WORK\naccess-list IN extended permit tcp any any eq 443\naccess-list IN extended permit tcp any host 10.0.30.2 eq 443\naccess-group IN in interface inside\n",
            &["ACL001"],
        ),
        (
            "a NAT rule on an FQDN object is never unreachable",
            "§2.1, §2.2",
            "object network P\n fqdn partner.example.com\nnat (inside,outside) source dynamic any interface\nnat (inside,outside) source dynamic P interface\n",
            &[],
        ),
    ];
    let mut failures = Vec::new();
    for (name, cite, config, expected) in cases {
        let text = format!("{BASE}{config}");
        let project =
            mralint::workspace::config_project(mralint::source::SourceFile::new("case.cfg", text));
        let mut codes: Vec<String> = mralint::lint(&project)
            .iter()
            .map(|f| f.code.to_string())
            .filter(|c| !c.starts_with("OBJ002") && c != "ACL002")
            .collect();
        codes.sort();
        if codes != *expected {
            failures.push(format!("{name} ({cite}): {codes:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Dynamic NAT and PAT pools are sets (docs/asa-semantics.md#23-rule-kinds): the trace keeps
/// every address the rule can hand out, the interface address too with interface fallback;
/// the output source is one representative.
#[test]
fn pools_are_sets() {
    let text = format!("{BASE}object network POOL\n range 64.100.0.50 64.100.0.59\nobject-group network POOLS\n network-object object POOL\n network-object host 64.100.0.70\nnat (inside,outside) source dynamic INSIDE-NET pat-pool POOLS round-robin interface\nroute outside 0 0 64.100.0.1\n");
    let firewall = mralint::model::build(&mralint::syntax::parse_config(&text).config);
    let (ingress, packet) = packet("inside tcp 10.0.30.2 40000 198.51.100.7 443");
    let trace = simulate(&firewall, &ingress, packet);
    assert_eq!(trace.verdict, Verdict::Allow);
    let pool = trace.source_pool.expect("a pool");
    assert_eq!(
        mralint::model::addr::describe(&pool),
        "64.100.0.2, 64.100.0.50-64.100.0.59, 64.100.0.70"
    );
    assert!(pool.contains(u32::from(trace.output.source)));
}

/// FQDN objects resolve through the deployment's `dns` when it answers for them
/// (docs/asa-semantics.md#21-address-sets).
#[test]
fn fqdn_resolves_through_dns() {
    let text = format!("{BASE}object network PARTNER\n fqdn Partner.Example.com\naccess-list IN extended deny tcp any object PARTNER eq 443\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\nroute outside 0 0 64.100.0.1\n");
    let config = mralint::syntax::parse_config(&text).config;
    let (ingress, packet) = packet("inside tcp 10.0.30.2 40000 198.51.100.7 443");
    let unresolved = simulate(&mralint::model::build(&config), &ingress, packet);
    assert_eq!(unresolved.verdict, Verdict::Allow);
    assert_eq!(
        unresolved.skipped.len(),
        1,
        "the FQDN entry is reported as skipped"
    );
    let dns = [(
        "partner.example.com".to_string(),
        "198.51.100.7".parse().unwrap(),
    )];
    let resolved = simulate(&mralint::model::build_with(&config, &dns), &ingress, packet);
    assert!(matches!(resolved.verdict, Verdict::Drop(_)));
    assert!(resolved.skipped.is_empty());
    // `firewall_dns` comes before `dns`: the first answer for a name wins.
    let both = [
        (
            "partner.example.com".to_string(),
            "198.51.100.99".parse().unwrap(),
        ),
        (
            "partner.example.com".to_string(),
            "198.51.100.7".parse().unwrap(),
        ),
    ];
    let first = simulate(
        &mralint::model::build_with(&config, &both),
        &ingress,
        packet,
    );
    assert_eq!(first.verdict, Verdict::Allow);
}

const DEFAULT_ROUTE_AND_EXPE_STATIC: &str = "route outside 0.0.0.0 0.0.0.0 64.100.0.1 1\nobject network EXPE\n nat (dmz,outside) static 64.100.0.10\n";

fn packet(spec: &str) -> (String, Packet) {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let protocol = match words[1] {
        "tcp" => 6,
        "udp" => 17,
        "icmp" => 1,
        other => panic!("protocol {other}"),
    };
    let packet = Packet::new(
        protocol,
        words[2].parse().unwrap(),
        words[3].parse().unwrap(),
        words[4].parse().unwrap(),
        words[5].parse().unwrap(),
    );
    (words[0].to_string(), packet)
}

#[test]
fn semantics_table() {
    let cases = cases();
    assert!(cases.len() >= 60, "the table holds {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = format!("{BASE}{}", case.config);
        let parsed = mralint::syntax::parse_config(&text);
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            case.name,
            parsed.errors
        );
        let firewall = mralint::model::build(&parsed.config);
        assert!(
            firewall.undefined.is_empty(),
            "{}: {:?}",
            case.name,
            firewall.undefined
        );
        let (ingress, packet) = packet(case.packet);
        let trace = simulate(&firewall, &ingress, packet);
        let verdict = match &trace.verdict {
            Verdict::Allow => "allow".to_string(),
            Verdict::ToTheBox => "to-the-box".to_string(),
            Verdict::Drop(drop) => drop.code().to_string(),
        };
        let output = format!(
            "{}:{} -> {}:{}",
            trace.output.source,
            trace.output.source_port,
            trace.output.destination,
            trace.output.destination_port
        );
        let lines: Vec<&str> = trace
            .phases
            .iter()
            .flat_map(|p| &p.config)
            .map(|s| text[s.start..s.end].trim())
            .collect();
        let mut wrong = Vec::new();
        if verdict != case.verdict {
            wrong.push(format!("verdict {verdict}, expected {}", case.verdict));
        }
        if let Some(egress) = case.egress {
            if trace.egress.as_deref() != Some(egress) {
                wrong.push(format!("egress {:?}, expected {egress}", trace.egress));
            }
        }
        if let Some(expected) = case.output {
            if output != expected {
                wrong.push(format!("output {output}, expected {expected}"));
            }
        }
        if let Some(line) = case.line {
            if !lines.iter().any(|l| l.contains(line)) {
                wrong.push(format!("no phase quotes `{line}` (quoted: {lines:?})"));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} ({}): {}",
                case.name,
                case.cite,
                wrong.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Cases on the Batfish ASA test configs in ../shared/corpus/ whose intent is clear;
/// skipped when the corpus is absent.
#[test]
fn corpus_cases() {
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/batfish__batfish");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    // (file, packet, verdict, output) — each from the file's own comments and names.
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        // §2.6: equal levels without same-security permit are denied; higher to lower is permitted.
        (
            "asa-security-level-deny-tracing.cfg",
            "out tcp 3.0.0.9 40000 3.0.1.9 80",
            "acl-drop",
            None,
        ),
        (
            "asa-security-level-permit-inter.cfg",
            "name1 tcp 3.0.0.9 40000 3.0.1.9 80",
            "allow",
            None,
        ),
        // §1.3, §2.3: object static to a mapped object; (any,any) inline mapped keeps the /24.
        (
            "asa-nat-object-static.cfg",
            "inside tcp 1.1.1.1 40000 2.0.0.50 80",
            "allow",
            Some("192.168.1.1:40000 -> 2.0.0.50:80"),
        ),
        (
            "asa-nat-object-static.cfg",
            "inside tcp 4.4.4.7 40000 2.0.0.50 80",
            "allow",
            Some("192.168.4.7:40000 -> 2.0.0.50:80"),
        ),
        // §2.2: the (inside,outside) rule above the (outside,inside) any-any rule wins the
        // source lookup; the any-any rule's reverse match does not decide the connection.
        (
            "asa-nat-twice-static.cfg",
            "inside tcp 1.1.1.1 40000 2.0.0.10 80",
            "allow",
            Some("2.2.2.2:40000 -> 2.0.0.10:80"),
        ),
        // §2.5 step 7: untranslated toward inside, but inside has no route to 1.1.1.1.
        (
            "asa-nat-object-static.cfg",
            "outside tcp 2.0.0.50 40000 192.168.1.1 80",
            "no-route",
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (file, spec, verdict, output) in cases {
        let Ok(text) = std::fs::read_to_string(corpus.join(file)) else {
            failures.push(format!("{file}: missing"));
            continue;
        };
        let firewall = mralint::model::build(&mralint::syntax::parse_config(&text).config);
        let (ingress, packet) = packet(spec);
        let trace = simulate(&firewall, &ingress, packet);
        let got = match &trace.verdict {
            Verdict::Allow => "allow".to_string(),
            Verdict::ToTheBox => "to-the-box".to_string(),
            Verdict::Drop(d) => d.code().to_string(),
        };
        let out = format!(
            "{}:{} -> {}:{}",
            trace.output.source,
            trace.output.source_port,
            trace.output.destination,
            trace.output.destination_port
        );
        if got != *verdict || output.is_some_and(|o| o != out) {
            failures.push(format!(
                "{file} {spec}: {got} {out}, expected {verdict} {output:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Clusters (docs/flows.md#clusters; the forward match of a twice rule,
/// docs/asa-semantics.md#24-matching-a-rule-and-the-nat-rpf-check): a reflection
/// rule whose source group lacks one C node is one root cause, reported once at the rule,
/// naming the group, the missing node and the nodes that work, with every E node whose
/// flows fail in the title.
#[test]
fn cluster_reflection_missing_a_node_is_one_finding() {
    let dir = std::path::Path::new("samples/mra-cluster-reflection-misses-node");
    let projects = mralint::workspace::discover(&[dir.to_path_buf()], &|_| false).unwrap();
    let findings: Vec<_> = projects.iter().flat_map(mralint::lint).collect();
    let mra003: Vec<_> = findings.iter().filter(|f| f.code == "MRA003").collect();
    assert_eq!(mra003.len(), 1, "{findings:#?}");
    let f = mra003[0];
    assert!(
        f.message.contains("expe1") && f.message.contains("expe2"),
        "{}",
        f.message
    );
    let label = &f.primary.label;
    assert!(
        label.contains("EXPC-CLUSTER") && label.contains("expc2") && label.contains("expc1"),
        "{label}"
    );
}

/// Blame the cause (§2.3, §2.5, §2.6, §2.10 of docs/asa-semantics.md): each sample's
/// finding points at the line that causes it, with a fix specific to that cause.
#[test]
fn findings_blame_the_cause() {
    // (sample, code, text expected in the primary label or the help)
    let cases: &[(&str, &str, &str)] = &[
        // §2.3: a unidirectional static is never matched from the mapped side
        (
            "mra-unidirectional-e-static",
            "MRA007",
            "unidirectional: connections from the internet",
        ),
        (
            "mra-unidirectional-e-static",
            "MRA007",
            "remove `unidirectional`",
        ),
        // §2.8: nothing un-NATs the public address
        (
            "mra-external-no-static-nat",
            "MRA007",
            "no NAT rule untranslates 64.100.0.10",
        ),
        (
            "mra-static-nat-mismatch",
            "MRA007",
            "maps expe1 (10.0.10.2) to 64.100.0.11",
        ),
        // §2.5 consequences: ACE suggestions use real addresses (8.3+)
        (
            "mra-external-8443-blocked",
            "MRA007",
            "permit tcp any host 10.0.10.2 eq 8443",
        ),
        // §2.10: identity NAT honours its interfaces unless route-lookup
        (
            "mra-dual-nic-identity-nat-diverted",
            "MRA003",
            "route-lookup",
        ),
        // §2.6: equal levels, global ACL, outbound ACL
        (
            "mra-dual-nic-equal-levels",
            "MRA004",
            "same-security-traffic permit inter-interface",
        ),
        (
            "mra-dual-nic-global-acl",
            "MRA004",
            "removes the security-level implicit permit",
        ),
        (
            "mra-dual-nic-outbound-acl",
            "MRA004",
            "access-list DMZ_out extended permit tcp host 10.0.30.2 host 10.0.20.2 eq 7001",
        ),
        // §2.4 case (b): the NAT RPF failure is fixed by an exemption, not a route
        (
            "mra-any-mapped-static-peer-lan1",
            "MRA003",
            "asymmetric NAT: nat-rpf-failed",
        ),
        (
            "mra-any-mapped-static-peer-lan1",
            "MRA003",
            "nat (inside,dmz) 1 source static EXPC EXPC destination static EXPE EXPE",
        ),
        // §2.2: a rule above the reflection wins the connection
        (
            "mra-reflection-below-manual-pat",
            "MRA003",
            "so the reflection rule at line 63 below it is not used",
        ),
    ];
    let mut failures = Vec::new();
    for (sample, code, needle) in cases {
        let dir = std::path::Path::new("samples").join(sample);
        let projects = mralint::workspace::discover(&[dir], &|_| false).unwrap();
        let findings: Vec<_> = projects.iter().flat_map(mralint::lint).collect();
        let found = findings.iter().filter(|f| f.code == *code).any(|f| {
            f.primary.label.contains(needle)
                || f.help.as_deref().is_some_and(|h| h.contains(needle))
        });
        if !found {
            failures.push(format!("{sample} {code}: nothing says `{needle}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
