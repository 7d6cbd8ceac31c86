//! Behaviour: what a profile or target states an IdP does, in the vocabulary of
//! docs/profiles.md, and the resolved view a trial reads (`when`, `{{behaviour.*}}`).

pub mod comparison;
pub mod profile;
pub mod profile_deviations;
pub mod profile_extras;
pub mod source;
pub mod vocab;
pub mod when;

use std::collections::BTreeMap;

pub use profile::{builtin_profile, builtin_profiles, Profile};
pub use vocab::Value;
pub use when::Condition;

/// A stated value with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub value: Value,
    /// Seed file, vendor doc or RFC clause the value comes from.
    pub source: Option<String>,
    /// No primary source: unknown on a live target unless the target states it.
    pub unverified: bool,
}

/// A set of stated behaviour values (a profile's, a target's, or a client's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BehaviourSet {
    pub values: BTreeMap<String, Stated>,
}

impl BehaviourSet {
    /// Parse a `[behaviour]` table: plain values (`grace_period = "30s"`) or
    /// annotated ones (`grace_period = { value = "30s", source = "seed:002", unverified = true }`).
    /// Errors are `(key, message)` so the caller can locate the key in its file.
    pub fn from_table(table: &toml::Table) -> Result<BehaviourSet, (String, String)> {
        let mut values = BTreeMap::new();
        for (key, raw) in table {
            let (raw_value, source, unverified) = match raw {
                toml::Value::Table(t) if !vocab::is_user_key(key) || t.contains_key("value") => {
                    let mut value = None;
                    let mut source = None;
                    let mut unverified = false;
                    for (k, v) in t {
                        match (k.as_str(), v) {
                            ("value", v) => value = Some(v.clone()),
                            ("source", toml::Value::String(s)) => source = Some(s.clone()),
                            ("unverified", toml::Value::Boolean(b)) => unverified = *b,
                            (other, _) => {
                                return Err((
                                    key.clone(),
                                    format!("`{key}`: unexpected `{other}` (an annotated value has value, source, unverified)"),
                                ))
                            }
                        }
                    }
                    let value = value.ok_or_else(|| {
                        (
                            key.clone(),
                            format!("`{key}`: an annotated value needs `value`"),
                        )
                    })?;
                    (value, source, unverified)
                }
                other => (other.clone(), None, false),
            };
            let value = vocab::parse_value(key, &raw_value).map_err(|m| (key.clone(), m))?;
            values.insert(
                key.clone(),
                Stated {
                    value,
                    source,
                    unverified,
                },
            );
        }
        Ok(BehaviourSet { values })
    }

    /// `other`'s values over this set's.
    pub(crate) fn overlay(&mut self, other: &BehaviourSet) {
        for (k, v) in &other.values {
            self.values.insert(k.clone(), v.clone());
        }
    }
}

/// The behaviour one trial sees: profile, then target, then the primary
/// client's values, with `unverified` handled for live targets and
/// `public_clients` resolved for the client in question.
#[derive(Debug, Clone, Default)]
pub(crate) struct BehaviourView {
    pub values: BTreeMap<String, Stated>,
    /// Live targets treat unverified profile values as unknown.
    pub live: bool,
    /// Whether the trial's primary client is public (resolves `public_clients`).
    pub client_is_public: bool,
    /// Whether the trial's primary client sends DPoP proofs (`dpop_proofs`).
    pub client_dpop: bool,
}

impl BehaviourView {
    pub fn new(layers: &[&BehaviourSet], live: bool, client_is_public: bool) -> BehaviourView {
        let mut merged = BehaviourSet::default();
        for layer in layers {
            merged.overlay(layer);
        }
        BehaviourView {
            values: merged.values,
            live,
            client_is_public,
            client_dpop: false,
        }
    }

    /// The value of `key`, or None when it is unknown for this trial.
    pub(crate) fn get(&self, key: &str) -> Option<Value> {
        if key == "client_type" {
            let t = if self.client_is_public {
                "public"
            } else {
                "confidential"
            };
            return Some(Value::Text(t.into()));
        }
        if key == "dpop_proofs" {
            return Some(Value::Bool(self.client_dpop));
        }
        let stated = self.values.get(key)?;
        if self.live && stated.unverified {
            return None;
        }
        Some(stated.value.for_client(key, self.client_is_public))
    }

    /// Why `key` is unknown, for skip reasons: with the exact line that
    /// would run the trial (the end of the console collects them).
    pub(crate) fn unknown_reason(&self, key: &str) -> String {
        match self.values.get(key) {
            Some(s) if s.unverified && self.live => {
                let line = format!("{key} = {}", s.value.toml_literal());
                format!(
                    "behaviour `{key}` is unverified in the profile and the target does not state it (check it on your tenant, then add `{line}` or the value you found to the target's [behaviour])"
                )
            }
            _ => format!("behaviour `{key}` is not stated by the profile or the target (set `{key}` in the target's [behaviour])"),
        }
    }
}
