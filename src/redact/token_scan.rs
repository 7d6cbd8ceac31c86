//! Token values in response bodies the judge cannot parse as JSON.
//!
//! The executor registers every token of a parsed response with the redactor.
//! A body that does not parse — truncated, with duplicate members, not UTF-8,
//! form-encoded, JSON inside an HTML page — may still carry a refresh or
//! access token, and its excerpt goes into records and reports. This finds
//! such values by field name so they are redacted too (a value cut off by a
//! truncated body is found up to where the body ends).

use regex::Regex;
use std::sync::LazyLock;

/// Token fields (as in a token response) and the redaction kind of each.
pub use crate::oauth::TOKEN_FIELDS as FIELDS;

/// `refresh_token|access_token|...`: the field names, for the patterns below.
fn names() -> String {
    FIELDS.iter().map(|(f, _)| *f).collect::<Vec<_>>().join("|")
}

static JSON_MEMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r#""({})"\s*:\s*"((?:[^"\\]|\\.)*)"#, names())).unwrap());
static FORM_PAIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r#"(?:^|[?&\s;])({})=([^&\s"'<>;]+)"#, names())).unwrap());

/// `(kind, value)` for every token-like value in `body`.
pub(crate) fn scan(body: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for re in [&*JSON_MEMBER, &*FORM_PAIR] {
        for c in re.captures_iter(body) {
            let field = &c[1];
            let kind = FIELDS
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, k)| *k)
                .unwrap_or("token");
            let raw = c[2].to_string();
            // The JSON-unescaped form too, when it differs (`\/` in a JWT, say).
            if let Ok(unescaped) = serde_json::from_str::<String>(&format!("\"{raw}\"")) {
                if unescaped != raw {
                    out.push((kind, unescaped));
                }
            }
            if let Some(decoded) = url::form_urlencoded::parse(format!("v={raw}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
            {
                if decoded != raw {
                    out.push((kind, decoded));
                }
            }
            out.push((kind, raw));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn finds_tokens_in_broken_bodies() {
        let truncated =
            r#"{"access_token":"AT-1-secret","expires_in":3600,"refresh_token":"RT-1-sec"#;
        let found: Vec<String> = scan(truncated).into_iter().map(|(_, v)| v).collect();
        assert!(
            found.contains(&"AT-1-secret".to_string()) && found.contains(&"RT-1-sec".to_string()),
            "{found:?}"
        );
        let dup = r#"{"refresh_token":"first-value","refresh_token":"second-value"}"#;
        assert_eq!(scan(dup).len(), 2);
        let form = "access_token=abc%2Fdef&token_type=bearer&refresh_token=xyz123";
        let found: Vec<String> = scan(form).into_iter().map(|(_, v)| v).collect();
        assert!(
            found.contains(&"abc/def".to_string()) && found.contains(&"xyz123".to_string()),
            "{found:?}"
        );
        assert_eq!(
            scan(r#"{"error":"invalid_grant","token_type":"Bearer"}"#),
            vec![]
        );
    }
}
