//! The analysis stage: every flow MRA needs ([`catalogue`]) walked once through the
//! modelled firewalls ([`crate::eval`]) and judged once against what its kind needs
//! ([`verdict`]). The rules, the change review and the reports read an [`Analysis`];
//! none of them walks a flow or decides a flow's health again.

pub mod catalogue;
pub mod peers;
pub mod verdict;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::eval::path::{Host, Network, Path, Role};
use crate::eval::Packet;
use crate::workspace::Project;
pub use catalogue::{Flow, FlowKind, InternetFlow};
pub use verdict::{Miss, Problem, Verdict};

/// A C→E flow, where it went, and whether that is what MRA needs.
#[derive(Clone, Debug)]
pub struct FlowResult {
    pub flow: Flow,
    pub path: Path,
    pub verdict: Verdict,
}

impl FlowResult {
    /// The host the flow reached, if any.
    pub fn delivered_to(&self, network: &Network<'_>) -> Option<Role> {
        delivered_role(&self.path, &network.hosts)
    }
}

/// An internet → E flow, where it went, and whether that is what MRA needs.
#[derive(Clone, Debug)]
pub struct InternetResult {
    pub flow: InternetFlow,
    pub path: Path,
    pub verdict: Verdict,
}

/// A single-packet probe (E's media hairpin, C's outbound probe), where it went, and
/// whether that is what MRA needs.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    /// The E node (hairpin) or C node (outbound) that sends it.
    pub node: usize,
    pub packet: Packet,
    pub path: Path,
    pub verdict: Verdict,
}

/// The role of the host a walk ended at, if it was delivered.
pub fn delivered_role(path: &Path, hosts: &[Host]) -> Option<Role> {
    match path.end {
        crate::eval::path::End::Delivered(host) => Some(hosts[host].role),
        _ => None,
    }
}

/// Every flow and probe of a project, walked and judged once.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// The hosts of the network the flows were walked through; `None` when nothing was
    /// simulated (no valid deployment, or no selected rule reads flows).
    pub hosts: Option<Vec<Host>>,
    /// Every C→E flow.
    pub traversal: Vec<FlowResult>,
    /// Where internet flows enter, or why that is unknown.
    pub internet_entry: Option<Result<(usize, String), String>>,
    /// Every internet → E flow.
    pub internet: Vec<InternetResult>,
    /// E's media hairpin probes.
    pub hairpins: Vec<ProbeResult>,
    /// C's outbound probes.
    pub outbound: Vec<ProbeResult>,
}

/// How many projects have had their flows simulated in this process (each
/// [`Analysis::of`] that walks flows counts one), so a test can hold each command to one
/// simulation per project state.
static SIMULATIONS: AtomicUsize = AtomicUsize::new(0);

/// The number of simulations this process has run so far.
#[doc(hidden)]
pub fn simulations() -> usize {
    SIMULATIONS.load(Ordering::Relaxed)
}

impl Analysis {
    /// Nothing simulated: what the firewall-only rules read.
    pub fn none() -> Self {
        Analysis::default()
    }

    /// Walks and judges every flow and probe of a project's deployment through its
    /// firewalls (nothing, without a valid deployment).
    pub fn of(project: &Project) -> Self {
        let deployment = project
            .deployment
            .as_ref()
            .and_then(|d| d.deployment.as_ref());
        let Some(deployment) = deployment else {
            return Analysis::none();
        };
        SIMULATIONS.fetch_add(1, Ordering::Relaxed);
        let network = network_of(project, deployment);
        let traversal = catalogue::traversal_flows(deployment)
            .into_iter()
            .map(|flow| {
                let gateway = deployment.c_nodes[flow.c_node]
                    .gateway
                    .as_ref()
                    .map(|g| g.value);
                let path = network.walk(flow.packet, gateway);
                let verdict = verdict::of_traversal(deployment, &network, &flow, &path);
                FlowResult {
                    flow,
                    path,
                    verdict,
                }
            })
            .collect();
        let internet_entry = catalogue::internet_entry(deployment, &network);
        let internet = match &internet_entry {
            Ok((firewall, interface)) => catalogue::internet_flows(deployment)
                .into_iter()
                .map(|flow| {
                    let path = network.walk_from(*firewall, interface.clone(), flow.packet);
                    let verdict = verdict::of_internet(deployment, &network.hosts, &flow, &path);
                    InternetResult {
                        flow,
                        path,
                        verdict,
                    }
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let walk_probe = |probe: catalogue::Probe, judge: &dyn Fn(usize, &Path) -> Verdict| {
            let path = network.walk(probe.packet, probe.gateway);
            ProbeResult {
                verdict: judge(probe.node, &path),
                node: probe.node,
                packet: probe.packet,
                path,
            }
        };
        let hairpins = catalogue::hairpin_probes(deployment)
            .into_iter()
            .map(|probe| {
                walk_probe(probe, &|node, path| {
                    verdict::of_hairpin(deployment, &network.hosts, node, path)
                })
            })
            .collect();
        let outbound = catalogue::outbound_probes(deployment)
            .into_iter()
            .map(|probe| walk_probe(probe, &|_, _| Verdict::Unjudged))
            .collect();
        Analysis {
            hosts: Some(network.hosts),
            traversal,
            internet_entry: Some(internet_entry),
            internet,
            hairpins,
            outbound,
        }
    }

    /// The network the flows were walked through, over the project's firewalls; `None`
    /// when nothing was simulated.
    pub fn network<'a>(&self, project: &'a Project) -> Option<Network<'a>> {
        let hosts = self.hosts.as_ref()?;
        Some(Network {
            firewalls: firewalls_of(project),
            hosts: hosts.clone(),
        })
    }
}

/// The project's firewalls, in deployment order, as the simulator reads them.
fn firewalls_of(project: &Project) -> Vec<(&str, &crate::model::Firewall)> {
    project
        .firewalls
        .iter()
        .map(|f| (f.name.as_str(), &*f.model))
        .collect()
}

fn network_of<'a>(project: &'a Project, deployment: &crate::deployment::Deployment) -> Network<'a> {
    catalogue::network(deployment, firewalls_of(project))
}
