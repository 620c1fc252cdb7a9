//! The deployment file as written (README.md#the-deployment-file): serde types with a span
//! on every value. `grammars/deployment.schema.json` is generated from these types
//! ([`schema`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

pub type S<T> = Spanned<T>;

/// A map that may be written as a key with nothing under it.
fn null_as_empty<'de, D>(deserializer: D) -> Result<BTreeMap<String, S<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<BTreeMap<String, S<String>>>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    #[schemars(with = "u32")]
    pub version: S<u32>,
    pub firewalls: Vec<FirewallEntry>,
    // `dns:` with nothing under it (every entry still commented out, as `mralint init`
    // writes it) is an empty map.
    #[serde(default, deserialize_with = "null_as_empty")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub dns: BTreeMap<String, S<String>>,
    /// What the firewalls' DNS answers for their FQDN objects, when it differs from
    /// Expressway-C's (`dns` answers them otherwise).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub firewall_dns: BTreeMap<String, S<String>>,
    pub expressway_c: ExpresswayC,
    pub expressway_e: ExpresswayE,
    /// May be left out when Expressway-C's `xconfig` dumps give the zones.
    #[serde(default)]
    pub traversal_zones: Vec<ZoneEntry>,
    #[serde(default)]
    pub services: Option<ServicesEntry>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub internet_client: Option<S<String>>,
    #[serde(default)]
    pub internet: Option<InternetEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallEntry {
    #[schemars(with = "String")]
    pub name: S<String>,
    #[schemars(with = "String")]
    pub config: S<String>,
    /// `asa` or `ftd` (Firepower Threat Defense: the config is LINA's `show
    /// running-config`). Optional: an FTD config is recognised by `CSM_FW_ACL_`,
    /// `rule-id` or its `NGFW Version` banner.
    #[serde(default)]
    pub platform: Option<PlatformEntry>,
}

/// Which software a firewall runs.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PlatformEntry {
    Asa,
    Ftd,
}

/// Nodes by hand (`nodes`), by their dumps (`xconfig`), or both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{"required": ["nodes"]}, {"required": ["xconfig"]}]))]
pub struct ExpresswayC {
    /// May be left out when `xconfig` names the nodes' dumps.
    #[serde(default)]
    pub nodes: Vec<CNodeEntry>,
    /// `xConfiguration` dumps of the C nodes, relative to this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub xconfig: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CNodeEntry {
    #[schemars(with = "String")]
    pub name: S<String>,
    #[schemars(with = "String")]
    pub address: S<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub gateway: Option<S<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Nic {
    Single,
    Dual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Small,
    Medium,
    Large,
}

/// Described by hand (`nic`, `size`, `nodes`), by the nodes' dumps (`xconfig`), or both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{"required": ["nic", "size", "nodes"]}, {"required": ["xconfig"]}]))]
pub struct ExpresswayE {
    /// Required unless `xconfig` names E's dumps.
    #[serde(default)]
    #[schemars(with = "Option<Nic>")]
    pub nic: Option<S<Nic>>,
    /// Not in an `xConfiguration` dump: without it (and with dumps), the ports of both
    /// small/medium and large systems are checked.
    #[serde(default)]
    #[schemars(with = "Option<Size>")]
    pub size: Option<S<Size>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<u16>>")]
    pub demux_ports: Option<S<Vec<u16>>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub media_ports: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub external_nat: Option<S<bool>>,
    /// May be left out when `xconfig` names the nodes' dumps.
    #[serde(default)]
    pub nodes: Vec<ENodeEntry>,
    /// `xConfiguration` dumps of the E nodes, relative to this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub xconfig: Vec<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ENodeEntry {
    #[schemars(with = "String")]
    pub name: S<String>,
    #[schemars(with = "String")]
    pub lan1: S<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub lan2: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub static_nat: Option<S<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub gateway: Option<S<String>>,
    #[serde(default)]
    pub routes: Vec<RouteEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteEntry {
    #[schemars(with = "String")]
    pub prefix: S<String>,
    #[schemars(with = "String")]
    pub gateway: S<String>,
}

// What a traversal zone carries (its `type`): MRA (Collaboration Edge on, the zone's
// "Unified Communications services") or business-to-business calls only; not the
// Expressway's own zone type (`xconfig::model::ZoneType`: neighbour, traversal client or
// server). A `//` comment, and the published name kept, so the schema does not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "ZoneType")]
pub enum ZoneService {
    UnifiedCommunications,
    B2b,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneEntry {
    #[schemars(with = "String")]
    pub name: S<String>,
    #[serde(rename = "type")]
    #[schemars(with = "ZoneService")]
    pub zone_type: S<ZoneService>,
    #[schemars(with = "u16")]
    pub port: S<u16>,
    #[schemars(with = "Vec<String>")]
    pub peers: Vec<S<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesEntry {
    /// Left out: false, or what the dumps say.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub im_presence: Option<S<bool>>,
    /// Left out: false, or what the dumps say.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub turn: Option<S<bool>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub turn_relays: Option<S<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InternetEntry {
    #[schemars(with = "String")]
    pub firewall: S<String>,
    #[schemars(with = "String")]
    pub interface: S<String>,
}

/// The JSON Schema of the deployment file, as `grammars/deployment.schema.json` holds it.
pub fn schema() -> String {
    let schema = schemars::schema_for!(DeploymentFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
