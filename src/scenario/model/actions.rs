//! The actions a step can take, one struct each.

use super::{Deserialize, JsonSchema, Serialize};
use std::collections::BTreeMap;

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
    /// The DPoP proof sent with a DPoP client's refresh (RFC 9449): `proof`
    /// (default) or one deliberately wrong, to see it refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop: Option<DpopMode>,
}

/// The DPoP proof of a refresh (RFC 9449 §4). Every mode but `proof` and
/// `other_key` breaks one rule of §4.3 that a server must check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DpopMode {
    /// A fresh, correct proof with the token family's key.
    Proof,
    /// No `DPoP` header at all.
    Omit,
    /// A correct proof signed with a new key; once it succeeds, the family's key is that one.
    OtherKey,
    /// `htu` names another URL.
    WrongHtu,
    /// `htm` is `GET` for a POST.
    WrongHtm,
    /// `iat` an hour in the past.
    StaleIat,
    /// The family's previous proof again (its `jti` already seen).
    Replay,
    /// A correct proof with no `nonce`, even when the server gave one (§8).
    NoNonce,
    /// A correct proof whose `nonce` the server never issued (§8).
    BogusNonce,
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
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
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

/// The same request sent `count` times at once (races): connections are
/// opened beforehand and the requests released together from a barrier.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcurrentAction {
    pub count: u32,
    /// Race this many times (1–20, default 1) until the step's expectations
    /// fail. Each round after the first presents a fresh grant's token: the
    /// grant step that started the presented token's family runs again. A
    /// grant source that is not repeatable allows one round, said in a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
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

table_or_list!(
    Form,
    Form::Table,
    Form::Pairs,
    "a table of form parameters or a list of [name, value] pairs"
);
