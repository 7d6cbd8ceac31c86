//! Built-in vendor profiles (`profiles/*.toml`, compiled in).

use super::BehaviourSet;
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
    pub scopes: crate::target::Scopes,
    /// Where the text came from, for error messages.
    pub origin: String,
}

impl Profile {
    pub fn parse(origin: &str, text: &str) -> Result<Profile, String> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| crate::locate::toml_error(origin, text, &e))?;
        let get_str = |k: &str| table.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let name = get_str("name").ok_or_else(|| format!("{origin}: profile needs `name`"))?;
        for key in table.keys() {
            if ![
                "name",
                "title",
                "description",
                "behaviour",
                "clients",
                "scopes",
            ]
            .contains(&key.as_str())
            {
                return Err(crate::locate::at_key(
                    origin,
                    text,
                    key,
                    &format!("unknown profile key `{key}`"),
                ));
            }
        }
        let behaviour = match table.get("behaviour") {
            Some(toml::Value::Table(t)) => BehaviourSet::from_table(t)
                .map_err(|(k, m)| crate::locate::at_key(origin, text, &k, &m))?,
            Some(_) => return Err(format!("{origin}: `behaviour` must be a table")),
            None => BehaviourSet::default(),
        };
        let mut clients = BTreeMap::new();
        if let Some(toml::Value::Table(cs)) = table.get("clients") {
            for (role, c) in cs {
                if let Some(toml::Value::Table(b)) = c.get("behaviour") {
                    let set = BehaviourSet::from_table(b)
                        .map_err(|(k, m)| crate::locate::at_key(origin, text, &k, &m))?;
                    clients.insert(role.clone(), set);
                }
            }
        }
        let scopes = match table.get("scopes") {
            Some(v) => v
                .clone()
                .try_into()
                .map_err(|e| format!("{origin}: [scopes]: {e}"))?,
            None => crate::target::Scopes::default(),
        };
        Ok(Profile {
            title: get_str("title").unwrap_or_else(|| name.clone()),
            description: get_str("description").unwrap_or_default(),
            name,
            behaviour,
            clients,
            scopes,
            origin: origin.to_string(),
        })
    }

    /// The client role's values over the profile's.
    pub fn for_client(&self, role: &str) -> BehaviourSet {
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
