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
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

/// Values shorter than this are not redacted: replacing every `abc` would
/// wreck the output and such a value is no secret worth the name.
pub const MIN_LEN: usize = 4;

/// Values at least this long also get their offset-shifted base64 fragments.
const SHIFTED_B64_MIN_LEN: usize = 8;

/// A line of a multi-line value is redacted on its own when at least this long.
const MIN_LINE_LEN: usize = 16;

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
    pub fn add_secret(&self, value: &str, label: &str) {
        let mut g = self.inner.write();
        g.register(value, label);
    }

    /// Registers the HTTP Basic credentials of a client: the base64 of
    /// `id:secret` and of the RFC 6749 §2.3.1 form `urlenc(id):urlenc(secret)`
    /// (and, when not yet known, the secret itself), all under `label`.
    pub fn add_basic(&self, client_id: &str, secret: &str, label: &str) {
        let mut g = self.inner.write();
        g.register(&format!("{client_id}:{secret}"), label);
        g.register(
            &format!("{}:{}", form_encode(client_id), form_encode(secret)),
            label,
        );
        g.register(secret, label);
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
        g.register(value, &label);
        label
    }

    /// The label of a registered value.
    pub fn label_of(&self, value: &str) -> Option<String> {
        self.inner.read().labels.get(value).cloned()
    }

    /// How many distinct values are registered.
    pub fn len(&self) -> usize {
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
    pub fn redact_json(&self, v: &serde_json::Value) -> serde_json::Value {
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
    fn register(&mut self, value: &str, label: &str) {
        if value.is_empty() {
            return;
        }
        if !self.labels.contains_key(value) {
            self.labels.insert(value.to_string(), label.to_string());
            self.taken
                .entry(label.to_string())
                .or_insert_with(|| value.to_string());
        }
        if value.chars().count() < MIN_LEN {
            return;
        }
        for p in encoded_forms(value) {
            if p.chars().count() >= MIN_LEN && !self.patterns.contains_key(&p) {
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

/// `application/x-www-form-urlencoded` (space as `+`).
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Percent-encoding keeping only RFC 3986 unreserved characters.
fn unreserved_encode(s: &str, upper: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn json_escape(s: &str) -> String {
    let q = serde_json::to_string(s).expect("string serialises");
    q[1..q.len() - 1].to_string()
}

/// The base64 fragments of `bytes` when they sit at offset 0, 1 or 2 (mod 3)
/// of a larger encoded text: only the characters determined by `bytes` alone.
fn shifted_base64(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for shift in 0..3usize {
        let mut buf = vec![0u8; shift];
        buf.extend_from_slice(bytes);
        // Characters that mix prefix bits with value bits are dropped.
        let skip = (shift * 8).div_ceil(6);
        let end = (buf.len() * 8) / 6;
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = engine.encode(&buf);
            if end > skip && end <= enc.len() {
                out.push(enc[skip..end].to_string());
            }
        }
    }
    out
}

fn encoded_forms(v: &str) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !forms.contains(&s) {
            forms.push(s);
        }
    };
    push(v.to_string());
    let form = form_encode(v);
    push(form.replace('+', "%20"));
    push(form);
    push(unreserved_encode(v, true));
    push(unreserved_encode(v, false));
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        push(engine.encode(v.as_bytes()));
    }
    if v.len() >= SHIFTED_B64_MIN_LEN {
        for f in shifted_base64(v.as_bytes()) {
            push(f);
        }
    }
    let json = json_escape(v);
    push(json.replace('/', "\\/"));
    push(json.clone());
    // A JSON string inside a form or a query.
    push(form_encode(&json));
    if v.contains('\n') {
        push(v.replace("\r\n", "\n").replace('\n', "\r\n"));
        for line in v.lines() {
            let line = line.trim();
            if line.len() >= MIN_LINE_LEN && !line.starts_with("-----") {
                push(line.to_string());
                push(form_encode(line));
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "CANARY-s3cr3t/with+odd=chars&more";

    fn canary() -> Redactor {
        let r = Redactor::new();
        r.add_secret(CANARY, "‹secret:main›");
        r
    }

    fn assert_clean(r: &Redactor, text: &str, needle: &str) {
        let out = r.redact(text);
        assert!(!out.contains(needle), "{needle:?} survived in {out:?}");
        assert!(out.contains("‹secret:main›"), "no label in {out:?}");
    }

    #[test]
    fn huge_values_are_redacted_quickly() {
        let r = Redactor::new();
        let big = format!("{}-end", "A1b2".repeat(150_000));
        let start = std::time::Instant::now();
        r.add_token(&big, "at", "grant");
        r.add_token("short-token-value", "rt", "grant");
        let text = format!(
            "x={big}&y={}&z=short-token-value",
            form_encode(&json_escape(&big))
        );
        let out = r.redact(&text);
        assert_eq!(out, "x=‹at:grant›&y=‹at:grant›&z=‹rt:grant›");
        let b64 = STANDARD.encode(big.as_bytes());
        assert_eq!(r.redact(&b64), "‹at:grant›");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn raw_value() {
        let r = canary();
        assert_eq!(r.redact(&format!("x={CANARY}!")), "x=‹secret:main›!");
    }

    #[test]
    fn url_encoded_forms() {
        let r = canary();
        let v = "CANARY with space+plus/slash";
        r.add_secret(v, "‹secret:main›");
        let plus = form_encode(v);
        assert!(plus.contains('+'));
        assert_clean(&r, &format!("a=1&client_secret={plus}&b=2"), &plus);
        let pct = plus.replace('+', "%20");
        assert_clean(&r, &format!("client_secret={pct}"), &pct);
        let unres = unreserved_encode(CANARY, true);
        assert_clean(&r, &format!("?s={unres}"), &unres);
        let lower = unreserved_encode(CANARY, false);
        assert_clean(&r, &format!("?s={lower}"), &lower);
    }

    #[test]
    fn base64_forms() {
        let r = canary();
        for e in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            let enc = e.encode(CANARY);
            assert_clean(&r, &format!("blob {enc} end"), &enc);
        }
    }

    #[test]
    fn base64_inside_larger_payload_at_any_offset() {
        let r = canary();
        for prefix in ["", "x", "xy", "{\"client_secret\":\""] {
            let payload = format!("{prefix}{CANARY}\",\"iat\":1}}");
            for e in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
                let enc = e.encode(&payload);
                let out = r.redact(&enc);
                assert!(out.contains("‹secret:main›"), "prefix {prefix:?}: {out}");
                // At most a few characters of the canary's encoding remain.
                let middle = &e.encode(CANARY)[4..20];
                assert!(!out.contains(middle), "{out}");
            }
        }
    }

    #[test]
    fn json_escaped_pem_and_lines() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n";
        let r = Redactor::new();
        r.add_secret(pem, "‹key:other›");
        let json = serde_json::json!({ "key": pem }).to_string();
        assert!(json.contains("\\n"));
        let out = r.redact(&json);
        assert!(!out.contains("MIIEvQIBADANBgkq"), "{out}");
        assert!(out.contains("‹key:other›"));
        // A single line quoted elsewhere, and CRLF line endings.
        let out = r.redact("line: BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj");
        assert_eq!(out, "line: ‹key:other›");
        let crlf = pem.replace('\n', "\r\n");
        assert_eq!(r.redact(&crlf), "‹key:other›");
        // The `\/` JSON style.
        let r = canary();
        let escaped = CANARY.replace('/', "\\/");
        assert_clean(&r, &format!("{{\"s\":\"{escaped}\"}}"), &escaped);
    }

    #[test]
    fn json_escaped_quotes_and_backslashes() {
        let r = Redactor::new();
        let v = r#"quo"te\back"#;
        r.add_secret(v, "‹secret:main›");
        let json = serde_json::to_string(&serde_json::json!({ "v": v })).unwrap();
        assert_eq!(r.redact(&json), r#"{"v":"‹secret:main›"}"#);
    }

    #[test]
    fn basic_header() {
        let r = Redactor::new();
        r.add_basic("client id", "p@ss:w/rd", "‹basic:main›");
        let raw = STANDARD.encode("client id:p@ss:w/rd");
        let form = STANDARD.encode("client+id:p%40ss%3Aw%2Frd");
        for v in [raw, form] {
            let out = r.redact(&format!("Authorization: Basic {v}"));
            assert_eq!(out, "Authorization: Basic ‹basic:main›");
        }
        assert_eq!(r.redact("secret=p@ss:w/rd"), "secret=‹basic:main›");
    }

    #[test]
    fn token_labels_are_stable_and_unique() {
        let r = Redactor::new();
        assert_eq!(r.add_token("tok-AAAA", "rt", "grant"), "‹rt:grant›");
        assert_eq!(r.add_token("tok-AAAA", "rt", "rotate"), "‹rt:grant›");
        assert_eq!(r.add_token("tok-BBBB", "rt", "rotate"), "‹rt:rotate›");
        assert_eq!(r.add_token("tok-CCCC", "rt", "rotate"), "‹rt:rotate#2›");
        assert_eq!(r.add_token("tok-DDDD", "rt", "rotate"), "‹rt:rotate#3›");
        assert_eq!(
            r.add_token("eyJhbGciOi.x.y", "assertion", ""),
            "‹assertion›"
        );
        assert_eq!(
            r.add_token("eyJhbGciOi.x.z", "assertion", ""),
            "‹assertion#2›"
        );
        assert_eq!(r.label_of("tok-CCCC").as_deref(), Some("‹rt:rotate#2›"));
        assert_eq!(r.label_of("nope"), None);
        assert_eq!(
            r.redact("tok-AAAA tok-BBBB tok-CCCC tok-AAAA"),
            "‹rt:grant› ‹rt:rotate› ‹rt:rotate#2› ‹rt:grant›"
        );
    }

    #[test]
    fn longest_match_wins() {
        let r = Redactor::new();
        r.add_token("abcd", "at", "grant");
        r.add_token("abcdefgh", "rt", "grant");
        assert_eq!(r.redact("abcdefgh abcd"), "‹rt:grant› ‹at:grant›");
    }

    #[test]
    fn short_values_are_ignored() {
        let r = Redactor::new();
        r.add_secret("abc", "‹secret:x›");
        assert_eq!(r.redact("abc abcabc"), "abc abcabc");
        r.add_secret("abcd", "‹secret:y›");
        assert_eq!(r.redact("abc abcd"), "abc ‹secret:y›");
        assert_eq!(r.redact(""), "");
    }

    #[test]
    fn rebuilds_after_additions() {
        let r = Redactor::new();
        assert_eq!(r.redact("first-token"), "first-token");
        r.add_token("first-token", "rt", "grant");
        assert_eq!(r.redact("first-token"), "‹rt:grant›");
        r.add_token("second-token", "rt", "rotate");
        assert_eq!(
            r.redact("first-token second-token"),
            "‹rt:grant› ‹rt:rotate›"
        );
    }

    #[test]
    fn redact_json_walks_everything() {
        let r = canary();
        let v = serde_json::json!({
            "a": [CANARY, 1, null, {"b": format!("x{CANARY}")}],
            CANARY: true,
        });
        let out = r.redact_json(&v).to_string();
        assert!(!out.contains("CANARY"), "{out}");
        assert!(out.contains("‹secret:main›"));
    }

    #[test]
    fn shared_across_threads() {
        let r = Arc::new(Redactor::new());
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let r = r.clone();
                std::thread::spawn(move || {
                    let v = format!("token-value-{i:04}");
                    let l = r.add_token(&v, "rt", "grant");
                    assert_eq!(r.redact(&v), l);
                    l
                })
            })
            .collect();
        let mut labels: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 8);
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Redactor>();
    }

    #[test]
    fn debug_does_not_leak() {
        let r = canary();
        assert!(!format!("{r:?}").contains("CANARY"));
    }
}
