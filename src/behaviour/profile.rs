//! Built-in vendor profiles (`profiles/*.toml`, compiled in).

use super::profile_deviations::{known_deviations_at, KnownDeviation};
use super::profile_extras::{discovery_at, init_at, DiscoveryQuirks, InitTemplate};
use super::BehaviourSet;
use crate::doc::{suggest, type_name, Doc, Located};
use crate::oauth::Scopes;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;

static PROFILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/profiles");

/// A vendor's (or a spec's) documented behaviour.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub title: String,
    pub description: String,
    pub behaviour: BehaviourSet,
    /// Per-client-role values (`[clients.public.behaviour]`).
    pub clients: BTreeMap<String, BehaviourSet>,
    /// Scopes the emulator grants and the catalog asks for on `emulated:` targets.
    pub scopes: Scopes,
    /// Known quirks of the vendor's metadata (`[discovery]`).
    pub discovery: DiscoveryQuirks,
    /// The vendor's shape of a target file for `init` (`[init]`).
    pub init: Option<InitTemplate>,
    /// Scenarios the documented behaviour fails (`[known_deviations]`):
    /// the baseline of `emulated:` targets only.
    pub known_deviations: BTreeMap<String, KnownDeviation>,
    /// Where the text came from, for error messages.
    pub origin: String,
}

impl Profile {
    /// Parse a profile file (TOML). Every problem is located at its key or
    /// value (`path:line:column: message`, one per line), unknown keys with a hint.
    pub fn parse(origin: &str, text: &str) -> Result<Profile, String> {
        let doc = Doc::parse_toml(origin, text)?;
        let mut problems = Vec::new();
        let profile = read_profile(&doc, &mut problems);
        match profile {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(crate::doc::locate::render_sorted(problems).join("\n")),
        }
    }

    /// The client role's values over the profile's.
    pub(crate) fn for_client(&self, role: &str) -> BehaviourSet {
        let mut set = self.behaviour.clone();
        if let Some(c) = self.clients.get(role) {
            set.overlay(c);
        }
        set
    }
}

/// Every built-in profile, sorted by name. Panics only if a shipped profile is
/// broken, which the test suite rules out.
pub fn builtin_profiles() -> Vec<Profile> {
    let mut out: Vec<Profile> = PROFILES
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .map(|f| {
            let origin = format!("profiles/{}", f.path().display());
            let text = f.contents_utf8().unwrap_or_default();
            Profile::parse(&origin, text)
                .unwrap_or_else(|e| panic!("built-in profile is broken: {e}"))
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn builtin_profile(name: &str) -> Option<Profile> {
    builtin_profiles().into_iter().find(|p| p.name == name)
}

const KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "behaviour",
    "clients",
    "scopes",
    "discovery",
    "init",
    "known_deviations",
];

/// The profile in `doc`, or None when a problem leaves nothing to build.
fn read_profile(doc: &Doc, problems: &mut Vec<Located>) -> Option<Profile> {
    let root = &doc.root;
    for key in root.keys() {
        if !KEYS.contains(&key.as_str()) {
            problems.push(doc.key(
                &[key],
                &format!(
                    "unknown profile key `{key}`{} (a profile has {})",
                    suggest(key, KEYS),
                    KEYS.join(", ")
                ),
            ));
        }
    }
    let string = |k: &str, problems: &mut Vec<Located>| match root.get(k) {
        None => None,
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(doc.value(
                &[k],
                &format!("`{k}` must be a string, not {}", type_name(other)),
            ));
            None
        }
    };
    let name = string("name", problems);
    if name.is_none() && !root.contains_key("name") {
        problems.push(doc.key(&[], "a profile needs `name`"));
    }
    let title = string("title", problems);
    let description = string("description", problems).unwrap_or_default();
    let behaviour = behaviour_at(doc, &["behaviour"], root.get("behaviour"), problems);
    let clients = clients_at(doc, root.get("clients"), problems);
    let scopes = match root.get("scopes") {
        None => Scopes::default(),
        Some(v) => scopes_at(doc, v, problems),
    };
    let discovery = discovery_at(doc, problems);
    let init = init_at(doc, problems);
    let known_deviations = known_deviations_at(doc, problems);
    let name = name?;
    Some(Profile {
        title: title.unwrap_or_else(|| name.clone()),
        description,
        name,
        behaviour,
        clients,
        scopes,
        discovery,
        init,
        known_deviations,
        origin: doc.origin.clone(),
    })
}

fn behaviour_at(
    doc: &Doc,
    at: &[&str],
    v: Option<&toml::Value>,
    problems: &mut Vec<Located>,
) -> BehaviourSet {
    match v {
        None => BehaviourSet::default(),
        Some(toml::Value::Table(t)) => {
            let set = BehaviourSet::from_table(t).unwrap_or_else(|(k, m)| {
                let mut p = at.to_vec();
                p.push(&k);
                problems.push(doc.key(&p, &m));
                BehaviourSet::default()
            });
            for (k, stated) in &set.values {
                if let Some(Err(e)) = stated.source.as_deref().map(super::source::parse) {
                    let mut p = at.to_vec();
                    p.extend([k.as_str(), "source"]);
                    problems.push(doc.value(&p, &format!("`{k}`: {e}")));
                }
            }
            set
        }
        Some(other) => {
            problems.push(doc.value(
                at,
                &format!(
                    "`{}` must be a table, not {}",
                    at.join("."),
                    type_name(other)
                ),
            ));
            BehaviourSet::default()
        }
    }
}

fn clients_at(
    doc: &Doc,
    v: Option<&toml::Value>,
    problems: &mut Vec<Located>,
) -> BTreeMap<String, BehaviourSet> {
    let mut clients = BTreeMap::new();
    let cs = match v {
        None => return clients,
        Some(toml::Value::Table(cs)) => cs,
        Some(other) => {
            problems.push(doc.value(
                &["clients"],
                &format!(
                    "`clients` must be a table of client roles, not {}",
                    type_name(other)
                ),
            ));
            return clients;
        }
    };
    for (role, c) in cs {
        let Some(t) = c.as_table() else {
            problems.push(doc.value(
                &["clients", role],
                &format!("`clients.{role}` must be a table, not {}", type_name(c)),
            ));
            continue;
        };
        for k in t.keys().filter(|k| *k != "behaviour") {
            problems.push(doc.key(
                &["clients", role, k],
                &format!(
                    "unknown key `{k}` in `clients.{role}`{} (a profile's client has only `behaviour`)",
                    suggest(k, &["behaviour"])
                ),
            ));
        }
        let set = behaviour_at(
            doc,
            &["clients", role, "behaviour"],
            t.get("behaviour"),
            problems,
        );
        clients.insert(role.clone(), set);
    }
    clients
}

fn scopes_at(doc: &Doc, v: &toml::Value, problems: &mut Vec<Located>) -> Scopes {
    let Some(t) = v.as_table() else {
        problems.push(doc.value(
            &["scopes"],
            &format!("`scopes` must be a table, not {}", type_name(v)),
        ));
        return Scopes::default();
    };
    let mut scopes = Scopes::default();
    for (k, v) in t {
        let slot = match k.as_str() {
            "granted" => &mut scopes.granted,
            "narrower" => &mut scopes.narrower,
            "extra" => &mut scopes.extra,
            _ => {
                problems.push(doc.key(
                    &["scopes", k],
                    &format!(
                        "unknown key `{k}` in [scopes]{} (one of {})",
                        suggest(k, &Scopes::KEYS),
                        Scopes::KEYS.join(", ")
                    ),
                ));
                continue;
            }
        };
        match v.as_str() {
            Some(s) => *slot = Some(s.to_string()),
            None => problems.push(doc.value(
                &["scopes", k],
                &format!(
                    "`scopes.{k}` must be a string of space-separated scopes, not {}",
                    type_name(v)
                ),
            )),
        }
    }
    scopes
}
