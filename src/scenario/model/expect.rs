//! What a step's response must show: expectations and their matchers.

use super::{Deserialize, JsonSchema, Level, Serialize};
use std::collections::BTreeMap;

/// One expectation table, or a list of them (each with its own level).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Expectations {
    One(Box<Expect>),
    Many(Vec<Expect>),
}

impl Expectations {
    pub(crate) fn all(&self) -> Vec<&Expect> {
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
    pub(crate) fn to_vec(&self) -> Vec<T> {
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
    /// Over a concurrent group of refreshes: the distinct refresh tokens its
    /// successes carried, each presented once more after the race.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successors: Option<SuccessorsExpect>,
}

/// What became of the refresh tokens a race's successes carried.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessorsExpect {
    /// At most this many distinct ones still refresh afterwards (a fork is
    /// two or more). Successes that all carry the same token are one.
    pub max_live: u32,
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
    /// `at_hash` is the hash of the response's `access_token` (OIDC Core
    /// §3.1.3.6), with the hash of the id_token's `alg`. An absent `at_hash`
    /// is a mismatch: name `id_token.claims.at_hash` in the step's `needs`
    /// to skip where it is optional and absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<bool>,
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

table_or_list!(
    Expectations,
    |e| Expectations::One(Box::new(e)),
    Expectations::Many,
    "an expectation table or a list of them"
);
