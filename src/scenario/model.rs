//! The scenario language (DESIGN.md contract), as serde types. TOML and JSON
//! share this structure; `schema/scenario.schema.json` is generated from it.
//!
//! Every string value may hold `{{...}}` templates (see `template.rs`).

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expectations>,
}

/// The action keys, in the order `validate` names them.
pub const ACTION_KEYS: &[&str] = &[
    "grant",
    "refresh",
    "revoke",
    "introspect",
    "client_credentials",
    "request",
    "wait",
    "concurrent",
];

/// A fresh grant with a refresh token, from the client's grant source.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantAction {
    /// Client role (default `main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Requested scope (default `{{scopes.granted}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `grant_type=refresh_token` at the token endpoint.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The refresh token to present (usually a capture).
    pub token: String,
    /// The `scope` parameter; omitted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
}

/// RFC 7009 revocation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
}

/// RFC 7662 introspection.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntrospectAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
}

/// `grant_type=client_credentials`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
}

/// Any request, for malformed input.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    /// `token`, `revocation`, `introspection` (the target's endpoints).
    pub endpoint: String,
    /// HTTP method (default POST).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// How the client authenticates (default `omit`: nothing added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthMode>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Form body: a table, or a list of `[name, value]` pairs (repeats allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Form>,
    /// A raw body, sent as is (with `headers` for its content type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Form {
    Table(BTreeMap<String, String>),
    Pairs(Vec<(String, String)>),
}

impl Form {
    pub fn pairs(&self) -> Vec<(String, String)> {
        match self {
            Form::Table(t) => t.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Form::Pairs(p) => p.clone(),
        }
    }
}

/// A wait. On the emulator it advances this trial's token families' clocks;
/// on a live target it sleeps (overlapping with other trials' waits).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitAction {
    /// A duration (`"2s"`, `"{{behaviour.access_token_ttl}}"`) or a bare number
    /// of seconds (`"3600"`, `"{{grant.expires_in}}"`).
    pub duration: String,
    /// Wait only this fraction of `duration` (0 < fraction <= 1), e.g. 0.5 to
    /// act half-way through a lifetime and wait the other half later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// Add the run's clock skew allowance (`--clock-skew`) to the wait.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skew: bool,
}

/// The same request sent `count` times at once (races).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcurrentAction {
    pub count: u32,
    pub refresh: RefreshAction,
}

/// How a request authenticates the client; `default` is the client's own method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// The client's configured method.
    Default,
    /// `client_id` in the form and nothing else (how public clients identify).
    ClientIdOnly,
    /// No client identification at all.
    Omit,
    /// HTTP Basic with the client's secret.
    Basic,
    /// `client_id` + `client_secret` in the form.
    Post,
    /// HTTP Basic with a wrong secret.
    BasicWrongSecret,
    /// Form credentials with a wrong secret.
    PostWrongSecret,
    /// HTTP Basic and form credentials at once (two methods).
    BasicAndPost,
    /// `client_id` and `client_secret` in the query string.
    Query,
}

/// One expectation table, or a list of them (each with its own level).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Expectations {
    One(Box<Expect>),
    Many(Vec<Expect>),
}

impl Expectations {
    pub fn all(&self) -> Vec<&Expect> {
        match self {
            Expectations::One(e) => vec![e],
            Expectations::Many(v) => v.iter().collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// What a step's response must show. Every key present is checked.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Overrides the scenario's level for this table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Clauses for this table (default: the scenario's refs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    /// A behaviour key: a failure here is a profile-mismatch naming it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// Behaviour conditions for this table; when one fails the table is not checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<String>,
    /// What this table checks, in words, for messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precondition: Option<bool>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OneOrMany<u16>>,
    /// The OAuth `error` code (one, or any of a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<OneOrMany<String>>,
    /// The `error` code is from RFC 6749 §5.2 / RFC 7009 / the IANA OAuth Extensions Error registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_registered: Option<bool>,
    /// The body is JSON (media type parsed) and holds these top-level fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub present: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    /// Media type essence (`application/json`), parameters ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// RFC 9535 JSONPath → matcher.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub json: BTreeMap<String, Matcher>,
    /// Header name (case-insensitive) → matcher.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, Matcher>,
    /// The granted scope as a set (the response's `scope`, else what was requested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeMatcher>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<IdTokenExpect>,
    /// Introspection `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Counts over a concurrent group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub count: Vec<CountExpect>,
}

/// A predicate on one value (a JSON node, a header, a claim). All keys present must hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    /// When the value is absent, the other checks pass (for "if present, it must ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Present (true) or absent (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ne: Option<serde_json::Value>,
    /// Equal ignoring ASCII case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ieq: Option<String>,
    /// One of these values.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "in")]
    pub one_of: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    /// A comma-separated header list holds this token (case-insensitive): `no-store`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_token: Option<String>,
    /// A regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// JSON type: string, number, integer, boolean, object, array, null.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub json_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ge: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub le: Option<serde_json::Value>,
    /// Equal as a set: a space-separated string or an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_eq: Option<serde_json::Value>,
    /// RFC 6749 A.17 VSCHAR characters only (0x20–0x7E).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vschar: Option<bool>,
    /// Estimated entropy of a token value, in bits, at least this (RFC 6749 §10.10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_entropy_bits: Option<u32>,
}

/// Scope compared as a set, order-free. Values are space-separated scope strings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeMatcher {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ne: Option<String>,
    /// Every granted scope is within this set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset_of: Option<String>,
    /// The granted scope includes all of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<String>,
    /// The granted scope includes none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excludes: Option<String>,
}

/// Checks on the response's id_token.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdTokenExpect {
    /// Signature valid against the JWKS (when the target publishes one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<bool>,
    /// Claim name → matcher (`aud` compares with `set_eq`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claims: BTreeMap<String, Matcher>,
}

/// How many responses of a concurrent group match `status` / `error`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountExpect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

impl Step {
    /// The action key this step uses (validation guarantees exactly one).
    pub fn action_key(&self) -> Option<&'static str> {
        let set = [
            self.grant.is_some(),
            self.refresh.is_some(),
            self.revoke.is_some(),
            self.introspect.is_some(),
            self.client_credentials.is_some(),
            self.request.is_some(),
            self.wait.is_some(),
            self.concurrent.is_some(),
        ];
        let mut found = None;
        for (i, s) in set.iter().enumerate() {
            if *s {
                if found.is_some() {
                    return None;
                }
                found = Some(ACTION_KEYS[i]);
            }
        }
        found
    }

    pub fn action_count(&self) -> usize {
        [
            self.grant.is_some(),
            self.refresh.is_some(),
            self.revoke.is_some(),
            self.introspect.is_some(),
            self.client_credentials.is_some(),
            self.request.is_some(),
            self.wait.is_some(),
            self.concurrent.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}

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

table_or_list!(
    Expectations,
    |e| Expectations::One(Box::new(e)),
    Expectations::Many,
    "an expectation table or a list of them"
);
table_or_list!(
    Form,
    Form::Table,
    Form::Pairs,
    "a table of form parameters or a list of [name, value] pairs"
);
