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
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
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
/// total length, nor kept whole: only their first [`LONG_PREFIX`] bytes and
/// their length are, so memory follows the number of values, not their size.
const LONG_PATTERN: usize = 4096;

/// Where a long pattern's prefix is found, the prefix and the pattern's
/// length after it are replaced: a text holding the whole value loses
/// exactly it, a text cut inside it loses its piece, and the rarest case, a
/// different value sharing 256 bytes of prefix, is over-redacted (the lesser
/// harm).
const LONG_PREFIX: usize = 256;

/// Redacts registered secrets and tokens, in every usual encoding.
#[derive(Default)]
pub struct Redactor {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Value key ([`key`]) → label (every value given, even short ones).
    labels: HashMap<String, String>,
    /// Labels in use.
    taken: HashSet<String>,
    /// Label base → the next `#n` to try, so finding a free label takes
    /// constant time however many values share a base.
    next: HashMap<String, usize>,
    /// Pattern → label; the first registration of a pattern wins.
    patterns: HashMap<String, String>,
    /// Insertion order of `patterns`, so the automaton is deterministic.
    order: Vec<String>,
    /// Patterns longer than [`LONG_PATTERN`]: (prefix, full length, label).
    long: Vec<LongPattern>,
    /// (prefix, length) of the long patterns, to register each once.
    long_seen: HashSet<(String, usize)>,
    /// `None` when `patterns` changed since the last build.
    compiled: Option<Arc<Compiled>>,
    /// Labels looked at while finding free ones (a test counts them).
    #[cfg(test)]
    probes: usize,
}

#[derive(Clone)]
struct LongPattern {
    prefix: String,
    len: usize,
    label: String,
}

struct Compiled {
    /// `None` when there is nothing to redact.
    ac: Option<AhoCorasick>,
    labels: Vec<String>,
    /// Long patterns, longest first.
    long: Vec<LongPattern>,
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
        if let Some(l) = g.labels.get(&key(value)) {
            return l.clone();
        }
        let base = if step.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}:{step}")
        };
        let label = g.free_label(&base);
        g.register(value, &label, MIN_LEN);
        label
    }

    /// The label of a registered value.
    #[cfg(test)]
    fn label_of(&self, value: &str) -> Option<String> {
        self.inner.read().labels.get(&key(value)).cloned()
    }

    /// Bytes held for registered values (a test bounds it).
    #[cfg(test)]
    fn retained_bytes(&self) -> usize {
        let g = self.inner.read();
        g.labels.keys().map(String::len).sum::<usize>()
            + g.patterns.keys().map(String::len).sum::<usize>()
            + g.long.iter().map(|p| p.prefix.len()).sum::<usize>()
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
        for p in &compiled.long {
            let current = replaced.as_deref().unwrap_or(text);
            if current.contains(p.prefix.as_str()) {
                replaced = Some(replace_long(current, p));
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
        let mut long = g.long.clone();
        long.sort_by_key(|p| std::cmp::Reverse(p.len));
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

/// The key of a value in `labels`: itself, or for a long one its SHA-256,
/// so that a megabyte token is not kept whole to remember its label.
fn key(value: &str) -> String {
    if value.len() <= LONG_PATTERN {
        value.to_string()
    } else {
        let digest = Sha256::digest(value.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("\u{0}sha256:{hex}")
    }
}

/// `text` with every occurrence of `p`'s prefix, and the pattern's length
/// after it, replaced by its label.
fn replace_long(text: &str, p: &LongPattern) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(p.prefix.as_str()) {
        out.push_str(&rest[..at]);
        out.push_str(&p.label);
        let mut end = (at + p.len).min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl Inner {
    /// `‹base›`, or the first free `‹base#n›`, in constant time.
    fn free_label(&mut self, base: &str) -> String {
        let first = format!("‹{base}›");
        #[cfg(test)]
        {
            self.probes += 1;
        }
        if !self.taken.contains(&first) {
            return first;
        }
        let n = self.next.entry(base.to_string()).or_insert(2);
        loop {
            let label = format!("‹{base}#{n}›");
            *n += 1;
            #[cfg(test)]
            {
                self.probes += 1;
            }
            if !self.taken.contains(&label) {
                return label;
            }
        }
    }

    /// `value` and its encoded forms, those of at least `min_len` characters.
    fn register(&mut self, value: &str, label: &str, min_len: usize) {
        if value.is_empty() {
            return;
        }
        let k = key(value);
        if let std::collections::hash_map::Entry::Vacant(e) = self.labels.entry(k) {
            e.insert(label.to_string());
            self.taken.insert(label.to_string());
        }
        if value.chars().count() < min_len {
            return;
        }
        for p in encoded_forms(value) {
            if p.chars().count() < min_len {
                continue;
            }
            if p.len() > LONG_PATTERN {
                let mut cut = LONG_PREFIX;
                while !p.is_char_boundary(cut) {
                    cut += 1;
                }
                let prefix = p[..cut].to_string();
                if self.long_seen.insert((prefix.clone(), p.len())) {
                    self.long.push(LongPattern {
                        prefix,
                        len: p.len(),
                        label: label.to_string(),
                    });
                    self.compiled = None;
                }
            } else if !self.patterns.contains_key(&p) {
                self.patterns.insert(p.clone(), label.to_string());
                self.order.push(p);
                self.compiled = None;
            }
        }
    }
}
