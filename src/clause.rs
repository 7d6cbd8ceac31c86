//! Clauses: the references a scenario cites (`rfc6749#6`, `oidc-core#12.2`,
//! `seed:003`, `vendor:okta`). One grammar (docs/refs.md) for the scenario
//! loader, the judges and every report; a leaf module.

/// The documents a `<doc>#<section>` clause may name.
pub(crate) const DOCS: &[&str] = &[
    "rfc6749",
    "rfc6750",
    "rfc7009",
    "rfc7523",
    "rfc7662",
    "rfc8414",
    "rfc8707",
    "rfc9449",
    "rfc9700",
    "oauth21",
    "oidc-core",
    "oidc-discovery",
];

/// Is `r` a clause in the refs grammar (docs/refs.md)?
pub(crate) fn is_valid(r: &str) -> bool {
    if let Some(n) = r.strip_prefix("seed:") {
        return n.len() == 3 && n.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(n) = r.strip_prefix("vendor:") {
        return !n.trim().is_empty();
    }
    match r.split_once('#') {
        Some((doc, sec)) => {
            DOCS.contains(&doc)
                && !sec.is_empty()
                && sec
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        None => false,
    }
}

/// The link of a clause reference, when it has one:
/// `rfc6749#6` → `https://www.rfc-editor.org/rfc/rfc6749#section-6`,
/// `oidc-core#12.2` → the OpenID Connect Core section, `oauth21#4.3` → the IETF
/// draft; `seed:003` and `vendor:x` (and anything unknown) have none.
pub(crate) fn url(r: &str) -> Option<String> {
    let (doc, section) = match r.split_once('#') {
        Some((d, s)) => (d, Some(s)),
        None => (r, None),
    };
    if let Some(s) = section {
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return None;
        }
    }
    if let Some(num) = doc.strip_prefix("rfc") {
        if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let base = format!("https://www.rfc-editor.org/rfc/rfc{num}");
        return Some(match section {
            Some(s) if s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => {
                format!("{base}#{s}")
            }
            Some(s) => format!("{base}#section-{s}"),
            None => base,
        });
    }
    let openid = |page: &str| {
        let base = format!("https://openid.net/specs/{page}");
        match section {
            Some(s) => format!("{base}#rfc.section.{s}"),
            None => base,
        }
    };
    match doc {
        "oidc-core" => Some(openid("openid-connect-core-1_0.html")),
        "oidc-discovery" => Some(openid("openid-connect-discovery-1_0.html")),
        "oauth21" => Some(match section {
            Some(s) => {
                format!("https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-{s}")
            }
            None => "https://datatracker.ietf.org/doc/draft-ietf-oauth-v2-1/".to_string(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_links() {
        assert_eq!(
            url("rfc6749#6").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#section-6")
        );
        assert_eq!(
            url("rfc9700#4.14.2").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2")
        );
        assert_eq!(
            url("rfc7009").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc7009")
        );
        assert_eq!(
            url("rfc6749#appendix-A").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#appendix-A")
        );
        assert_eq!(
            url("oidc-core#12.2").as_deref(),
            Some("https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.12.2")
        );
        assert_eq!(
            url("oidc-discovery#3").as_deref(),
            Some("https://openid.net/specs/openid-connect-discovery-1_0.html#rfc.section.3")
        );
        assert_eq!(
            url("oauth21").as_deref(),
            Some("https://datatracker.ietf.org/doc/draft-ietf-oauth-v2-1/")
        );
        assert_eq!(
            url("oauth21#4.3.1").as_deref(),
            Some("https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.3.1")
        );
        assert_eq!(url("seed:003"), None);
        assert_eq!(url("vendor:okta"), None);
        assert_eq!(url("rfc6749#\"><script>"), None);
        assert_eq!(url("rfcx#1"), None);
        assert_eq!(url("unknown#1"), None);
    }

    #[test]
    fn grammar() {
        assert!(is_valid("rfc6749#6"));
        assert!(is_valid("seed:003"));
        assert!(is_valid("vendor:okta"));
        assert!(!is_valid("rfc6749"));
        assert!(!is_valid("seed:3"));
        assert!(!is_valid("nodoc#1"));
    }
}
