//! What the parts of the page share: text made safe (cleaned, redacted
//! again, cut, escaped), redaction labels set apart, clause links, the anchor
//! of a listed trial, and exchanges as a reader wants them.

use crate::record::Exchange;
use crate::redact::Redactor;
use crate::report::text::{clean, cut, escape_attr, escape_text, MAX_TEXT};
use regex::Regex;
use std::fmt::Write as _;
use std::sync::LazyLock;

pub(super) struct Esc<'a> {
    pub(super) redactor: &'a Redactor,
}

/// A redaction label as the redactor writes it (`‹rt:grant›`,
/// `‹secret:password›`), after escaping.
static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new("‹[^‹›\\s<>&]{1,120}›").unwrap());

impl Esc<'_> {
    fn prep(&self, s: &str) -> String {
        cut(&self.redactor.redact(&clean(s)), MAX_TEXT)
    }
    /// Text content.
    pub(super) fn t(&self, s: &str) -> String {
        escape_text(&self.prep(s))
    }
    /// An attribute value.
    pub(super) fn a(&self, s: &str) -> String {
        escape_attr(&self.prep(s))
    }
    /// Text content where redaction labels stand out as such (not in `<title>`).
    pub(super) fn labelled(&self, s: &str) -> String {
        LABEL
            .replace_all(&self.t(s), "<span class=\"tok\">$0</span>")
            .into_owned()
    }
}

/// The page anchor of a trial listed in the failures or warnings.
pub(super) fn anchor(index: usize) -> String {
    format!("trial-{}", index + 1)
}

/// Clause references, linked where they have a link (docs/refs.md).
pub(super) fn refs(e: &Esc, refs: &[String]) -> String {
    let mut s = String::new();
    for r in refs {
        match crate::clause::url(r) {
            Some(u) => {
                let _ = write!(
                    s,
                    "<a class=\"ref\" href=\"{}\">{}</a> ",
                    escape_attr(&u),
                    e.t(r)
                );
            }
            None => {
                let _ = write!(s, "<span class=\"ref\">{}</span> ", e.t(r));
            }
        }
    }
    s.truncate(s.trim_end().len());
    s
}

/// One exchange: a heading line, then request and response with a JSON
/// body laid out one member per line.
pub(super) fn exchange(e: &Esc, i: usize, x: &Exchange) -> String {
    let mut shown = x.clone();
    shown.request_body = indent_json(&x.request_body);
    shown.response_body = indent_json(&x.response_body);
    // The id_token's claims go in a table of their own, below.
    shown.id_token = None;
    let status = match (&x.transport_error, x.status) {
        (Some(_), _) => "no response".to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => "not sent".to_string(),
    };
    format!(
        "<div class=\"exchange\"><p class=\"ex-head\">exchange #{} · step <code>{}</code> · {} → {}</p><pre>{}</pre>{}</div>",
        i + 1,
        e.t(&x.step),
        e.t(&x.method),
        e.t(&status),
        e.labelled(shown.render().trim_end()),
        x.id_token.as_ref().map(|t| id_token_claims(e, t)).unwrap_or_default()
    )
}

/// The id_token of an exchange: its label and its decoded claims (the token
/// itself, header and signature are never shown).
fn id_token_claims(e: &Esc, t: &crate::record::IdTokenShown) -> String {
    let Some(serde_json::Value::Object(claims)) = &t.claims else {
        return format!(
            "<p class=\"claims\">id_token {} does not decode as a JWT</p>",
            e.labelled(&t.label)
        );
    };
    let mut h = format!(
        "<table class=\"claims\"><caption>id_token {} claims (signature dropped)</caption>",
        e.labelled(&t.label)
    );
    for (k, v) in claims {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        h.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            e.t(k),
            e.labelled(&v)
        ));
    }
    h.push_str("</table>");
    h
}

/// A JSON object or array with newlines and indentation between members,
/// everything else kept as sent: member order, duplicate members, escapes.
/// Any other text (a form, an HTML page, JSON cut short) is returned as it is.
pub(super) fn indent_json(s: &str) -> String {
    let t = s.trim();
    if !(t.starts_with('{') || t.starts_with('['))
        || serde_json::from_str::<serde::de::IgnoredAny>(t).is_err()
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(t.len() + t.len() / 8);
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth.min(16)));
    };
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !out.ends_with(['{', '[']) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_as_sent() {
        assert_eq!(
            indent_json(r#"{"b":1,"a":[1,{}],"b":"x,\"{y}"}"#),
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x,\\\"{y}\"\n}"
        );
        assert_eq!(indent_json("{\"a\":\"b"), "{\"a\":\"b", "cut short");
        assert_eq!(indent_json("{ not json }"), "{ not json }");
        assert_eq!(indent_json("[]"), "[]");
        assert_eq!(indent_json("not json {"), "not json {");
        assert_eq!(indent_json("grant_type=x"), "grant_type=x");
    }

    #[test]
    fn labels_stand_out_after_escaping() {
        let red = Redactor::new();
        let e = Esc { redactor: &red };
        assert_eq!(
            e.labelled("<b> ‹rt:grant› ‹no space›"),
            "&lt;b&gt; <span class=\"tok\">‹rt:grant›</span> ‹no space›"
        );
    }
}
