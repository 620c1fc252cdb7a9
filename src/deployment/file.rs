//! The deployment file as written (design §4): serde types with a span on every value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    pub version: S<u32>,
    pub firewalls: Vec<FirewallEntry>,
    #[serde(default)]
    pub dns: BTreeMap<String, S<String>>,
    pub expressway_c: ExpresswayC,
    pub expressway_e: ExpresswayE,
    pub traversal_zones: Vec<ZoneEntry>,
    #[serde(default)]
    pub services: Option<ServicesEntry>,
    #[serde(default)]
    pub internet_client: Option<S<String>>,
    #[serde(default)]
    pub internet: Option<InternetEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallEntry {
    pub name: S<String>,
    pub config: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpresswayC {
    pub nodes: Vec<CNodeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CNodeEntry {
    pub name: S<String>,
    pub address: S<String>,
    #[serde(default)]
    pub gateway: Option<S<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nic {
    Single,
    Dual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Small,
    Medium,
    Large,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpresswayE {
    pub nic: S<Nic>,
    pub size: S<Size>,
    #[serde(default)]
    pub demux_ports: Option<S<Vec<u16>>>,
    #[serde(default)]
    pub media_ports: Option<S<String>>,
    #[serde(default)]
    pub external_nat: Option<S<bool>>,
    pub nodes: Vec<ENodeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ENodeEntry {
    pub name: S<String>,
    pub lan1: S<String>,
    #[serde(default)]
    pub lan2: Option<S<String>>,
    #[serde(default)]
    pub static_nat: Option<S<String>>,
    #[serde(default)]
    pub gateway: Option<S<String>>,
    #[serde(default)]
    pub routes: Vec<RouteEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteEntry {
    pub prefix: S<String>,
    pub gateway: S<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ZoneType {
    UnifiedCommunications,
    B2b,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    pub name: S<String>,
    #[serde(rename = "type")]
    pub zone_type: S<ZoneType>,
    pub port: S<u16>,
    pub peers: Vec<S<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesEntry {
    #[serde(default)]
    pub im_presence: bool,
    #[serde(default)]
    pub turn: bool,
    #[serde(default)]
    pub turn_relays: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetEntry {
    pub firewall: S<String>,
    pub interface: S<String>,
}
