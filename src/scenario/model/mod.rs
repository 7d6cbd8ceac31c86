//! The scenario language (docs/scenario-language.md), as serde types. TOML
//! and JSON share this structure; `schema/scenario.schema.json` is generated
//! from it. The file and its steps here, the actions in `actions.rs`, the
//! expectations in `expect.rs`.
//!
//! Every string value may hold `{{...}}` templates (see `template.rs`).

/// A table or a list, decided by shape, so errors inside keep their own
/// message and location (serde's untagged enums would hide them).
macro_rules! table_or_list {
    ($ty:ident, $table:expr, $list:expr, $what:literal) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        m: A,
                    ) -> Result<$ty, A::Error> {
                        Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(m))
                            .map($table)
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(
                        self,
                        s: A,
                    ) -> Result<$ty, A::Error> {
                        Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(s))
                            .map($list)
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

mod actions;
mod expect;

pub use actions::*;
pub use expect::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One scenario file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Stable id, `<area>/<name>`; trials are named `<target>/<id>`.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Clauses enforced: `rfc6749#6`, `oidc-core#12.2`, `seed:003`, `vendor:okta`.
    pub refs: Vec<String>,
    /// Default level of every expectation: must, should or info.
    pub level: Level,
    /// Behaviour conditions that must all hold, else the trial is skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<String>,
    /// The client role whose behaviour values apply (default `main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Emulator defects that must make this scenario fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guarded_by: Vec<String>,
    /// Destructive or very long: runs only with `--ignored` / `--include-ignored`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignored: bool,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Should,
    Must,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::Info => "info",
        })
    }
}

/// One step: exactly one action key, plus request `params` and expectations.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Name used in captures (`{{name.refresh_token}}`); defaults to the action key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<GrantAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<RevokeAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspect: Option<IntrospectAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_credentials: Option<ClientCredentialsAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RawRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<WaitAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent: Option<ConcurrentAction>,
    /// Extra form parameters for this step's request (Okta's `redirect_uri`, Auth0's `audience`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// Response fields this step needs; when one is absent the trial is skipped
    /// with that reason (e.g. `["id_token"]`: no id_token on refresh → skip).
    /// Claims of the response's id_token are named `id_token.claims.<name>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Failed expectations here mean the harness could not set up the check:
    /// an error, not a failure. Default: true for `grant`, false otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precondition: Option<bool>,
    /// Introspect steps only: when the expectations do not hold yet, repeat the
    /// request (pausing briefly; on the emulator the pause advances virtual
    /// time) until they hold or the run's clock skew allowance (`--clock-skew`)
    /// is used up. For expiry probes placed right after a wait of the bare
    /// lifetime. Refused on steps that consume a token (refresh, grant, ...):
    /// a refresh that still succeeds has used the token up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry_until_skew: bool,
    /// Refresh steps only: send the step this many times, one after another (a
    /// whole number up to 100, or a template such as
    /// `{{behaviour.refresh_token_max_reuse}}`; 0 sends nothing). Every response
    /// is judged by the step's expectations; the first that fails ends the
    /// repetition, and captures hold the last response. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expectations>,
}

/// The action keys, in the order `validate` names them.
pub(crate) const ACTION_KEYS: &[&str] = &[
    "grant",
    "refresh",
    "revoke",
    "introspect",
    "client_credentials",
    "request",
    "wait",
    "concurrent",
];

/// A step's action: the view the executor dispatches on (one file per
/// action under `run/step/`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action<'a> {
    Grant(&'a GrantAction),
    Refresh(&'a RefreshAction),
    Revoke(&'a RevokeAction),
    Introspect(&'a IntrospectAction),
    ClientCredentials(&'a ClientCredentialsAction),
    Request(&'a RawRequest),
    Wait(&'a WaitAction),
    Concurrent(&'a ConcurrentAction),
}

impl Step {
    /// Every action key present, in `ACTION_KEYS` order.
    pub(crate) fn actions(&self) -> Vec<Action<'_>> {
        let mut out = Vec::new();
        out.extend(self.grant.as_ref().map(Action::Grant));
        out.extend(self.refresh.as_ref().map(Action::Refresh));
        out.extend(self.revoke.as_ref().map(Action::Revoke));
        out.extend(self.introspect.as_ref().map(Action::Introspect));
        out.extend(
            self.client_credentials
                .as_ref()
                .map(Action::ClientCredentials),
        );
        out.extend(self.request.as_ref().map(Action::Request));
        out.extend(self.wait.as_ref().map(Action::Wait));
        out.extend(self.concurrent.as_ref().map(Action::Concurrent));
        out
    }

    /// The step's one action (validation guarantees exactly one).
    pub(crate) fn action(&self) -> Option<Action<'_>> {
        match self.actions().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The action key this step uses.
    pub(crate) fn action_key(&self) -> Option<&'static str> {
        self.action().map(|a| a.key())
    }

    pub(crate) fn action_count(&self) -> usize {
        self.actions().len()
    }

    /// Whether an expectation of this step verifies an id_token signature.
    pub(crate) fn checks_id_token_signature(&self) -> bool {
        self.expect.as_ref().is_some_and(|e| {
            e.all().iter().any(|x| {
                x.id_token
                    .as_ref()
                    .is_some_and(|i| i.signature == Some(true))
            })
        })
    }
}

impl Action<'_> {
    pub(crate) fn key(&self) -> &'static str {
        match self {
            Action::Grant(_) => "grant",
            Action::Refresh(_) => "refresh",
            Action::Revoke(_) => "revoke",
            Action::Introspect(_) => "introspect",
            Action::ClientCredentials(_) => "client_credentials",
            Action::Request(_) => "request",
            Action::Wait(_) => "wait",
            Action::Concurrent(_) => "concurrent",
        }
    }
}
