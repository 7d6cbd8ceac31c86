//! The redactor: every secret of the target and every token captured at run
//! time, with their encoded forms, replaced by stable labels (`‹rt:grant›`,
//! `‹secret:main›`) so a message can still say that two tokens were equal.
//!
//! One `Redactor` is shared (behind an `Arc`) by all concurrent trials: values
//! are added through `&self` and the Aho-Corasick automaton is rebuilt lazily,
//! only on the first `redact` after the set changed.
//!
//! For each registered value `v` (at least [`MIN_LEN`] characters) these
//! patterns are matched, longest first:
//! - `v` itself;
//! - URL-encoded: `application/x-www-form-urlencoded` (`+` for space), the
//!   same with `%20`, and RFC 3986 "unreserved only" percent-encoding;
//! - base64 standard and URL-safe, with and without padding, and — for
//!   values of 8 characters or more — the fragments that appear when `v` sits
//!   at any offset inside a larger base64 text (a JWT payload, a Basic value);
//! - JSON-escaped (`\n`, `\"`, `\\`, and the `\/` style);
//! - for multi-line values (PEM keys): each non-trivial line.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

mod encodings;
#[cfg(test)]
mod tests;
pub mod token_scan;

use encodings::{encoded_forms, form_encode};

/// Run-time tokens shorter than this are not redacted: replacing every `abc`
/// would wreck the output, and an IdP chooses its tokens. Configured secrets
/// are redacted whatever their length.
pub(crate) const MIN_LEN: usize = 4;

/// Patterns longer than this (a hostile IdP's megabyte "token") are not put
/// into the automaton, whose size and build time grow with the patterns'
/// total length; they are replaced by plain substring search instead.
const LONG_PATTERN: usize = 4096;

/// Redacts registered secrets and tokens, in every usual encoding.
#[derive(Default)]
pub struct Redactor {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Raw value → label (every value given, even short ones).
    labels: HashMap<String, String>,
    /// Label → the raw value holding it (to detect a taken label).
    taken: HashMap<String, String>,
    /// Pattern → label; the first registration of a pattern wins.
    patterns: HashMap<String, String>,
    /// Insertion order of `patterns`, so the automaton is deterministic.
    order: Vec<String>,
    /// Patterns longer than [`LONG_PATTERN`], in insertion order.
    long: Vec<String>,
    /// `None` when `patterns` changed since the last build.
    compiled: Option<Arc<Compiled>>,
}

struct Compiled {
    /// `None` when there is nothing to redact.
    ac: Option<AhoCorasick>,
    labels: Vec<String>,
    /// (pattern, label) for long patterns, longest first.
    long: Vec<(String, String)>,
    /// The patterns, for the fallback when no automaton could be built.
    patterns: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let g = self.inner.read();
        // Never print the values themselves.
        f.debug_struct("Redactor")
            .field("values", &g.labels.len())
            .field("patterns", &g.order.len())
            .finish()
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret under `label` (e.g. `‹secret:main›`). A value that is
    /// already registered keeps its first label.
    ///
    /// A configured secret is redacted whatever its length (a short one may
    /// over-redact, which is the lesser harm); only run-time tokens shorter
    /// than [`MIN_LEN`] are left alone.
    pub fn add_secret(&self, value: &str, label: &str) {
        let mut g = self.inner.write();
        g.register(value, label, 1);
    }

    /// Registers the HTTP Basic credentials of a client: the base64 of
    /// `id:secret` and of the RFC 6749 §2.3.1 form `urlenc(id):urlenc(secret)`
    /// (and, when not yet known, the secret itself), all under `label`.
    pub(crate) fn add_basic(&self, client_id: &str, secret: &str, label: &str) {
        let mut g = self.inner.write();
        g.register(&format!("{client_id}:{secret}"), label, 1);
        g.register(
            &format!("{}:{}", form_encode(client_id), form_encode(secret)),
            label,
            1,
        );
        g.register(secret, label, 1);
    }

    /// Registers a token captured at run time and returns its label:
    /// `‹rt:grant›` for `("rt", "grant")`, `‹assertion›` for `("assertion", "")`.
    /// The same value always gets the same label; a different value whose label
    /// is taken gets `‹rt:grant#2›`, `‹rt:grant#3›`, ...
    pub fn add_token(&self, value: &str, kind: &str, step: &str) -> String {
        let mut g = self.inner.write();
        if let Some(l) = g.labels.get(value) {
            return l.clone();
        }
        let base = if step.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}:{step}")
        };
        let mut label = format!("‹{base}›");
        let mut n = 2;
        while g.taken.contains_key(&label) {
            label = format!("‹{base}#{n}›");
            n += 1;
        }
        g.register(value, &label, MIN_LEN);
        label
    }

    /// The label of a registered value.
    #[cfg(test)]
    fn label_of(&self, value: &str) -> Option<String> {
        self.inner.read().labels.get(value).cloned()
    }

    /// How many distinct values are registered.
    pub(crate) fn len(&self) -> usize {
        self.inner.read().labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces every registered value, in every encoded form, by its label.
    pub fn redact(&self, text: &str) -> String {
        let compiled = self.compiled();
        let mut replaced: Option<String> = None;
        for (p, label) in &compiled.long {
            let current = replaced.as_deref().unwrap_or(text);
            if current.len() >= p.len() && current.contains(p.as_str()) {
                replaced = Some(current.replace(p.as_str(), label));
            }
        }
        let text = replaced.as_deref().unwrap_or(text);
        match &compiled.ac {
            Some(ac) if !text.is_empty() => {
                let mut out = String::with_capacity(text.len());
                ac.replace_all_with(text, &mut out, |m, _, dst| {
                    dst.push_str(&compiled.labels[m.pattern().as_usize()]);
                    true
                });
                out
            }
            // No automaton although there are patterns (it could not be built):
            // replace one by one, longest first, rather than leak anything.
            None if !compiled.patterns.is_empty() => {
                let mut pairs: Vec<(&String, &String)> =
                    compiled.patterns.iter().zip(&compiled.labels).collect();
                pairs.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
                let mut out = text.to_string();
                for (p, l) in pairs {
                    out = out.replace(p.as_str(), l);
                }
                out
            }
            _ => text.to_string(),
        }
    }

    /// Redacts every string (and object key) of a JSON value.
    pub(crate) fn redact_json(&self, v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => Value::String(self.redact(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.redact_json(x)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (self.redact(k), self.redact_json(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn compiled(&self) -> Arc<Compiled> {
        if let Some(c) = &self.inner.read().compiled {
            return c.clone();
        }
        let mut g = self.inner.write();
        if let Some(c) = &g.compiled {
            return c.clone();
        }
        let labels: Vec<String> = g.order.iter().map(|p| g.patterns[p].clone()).collect();
        let ac = if g.order.is_empty() {
            None
        } else {
            // A contiguous NFA builds fast: the set changes with every token a
            // trial captures, so build cost matters more than search speed.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&g.order)
                .ok()
        };
        let mut long: Vec<(String, String)> = g
            .long
            .iter()
            .map(|p| (p.clone(), g.patterns[p].clone()))
            .collect();
        long.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let c = Arc::new(Compiled {
            ac,
            labels,
            long,
            patterns: g.order.clone(),
        });
        g.compiled = Some(c.clone());
        c
    }
}

impl Inner {
    /// `value` and its encoded forms, those of at least `min_len` characters.
    fn register(&mut self, value: &str, label: &str, min_len: usize) {
        if value.is_empty() {
            return;
        }
        if !self.labels.contains_key(value) {
            self.labels.insert(value.to_string(), label.to_string());
            self.taken
                .entry(label.to_string())
                .or_insert_with(|| value.to_string());
        }
        if value.chars().count() < min_len {
            return;
        }
        for p in encoded_forms(value) {
            if p.chars().count() >= min_len && !self.patterns.contains_key(&p) {
                self.patterns.insert(p.clone(), label.to_string());
                if p.len() > LONG_PATTERN {
                    self.long.push(p);
                } else {
                    self.order.push(p);
                }
                self.compiled = None;
            }
        }
    }
}
