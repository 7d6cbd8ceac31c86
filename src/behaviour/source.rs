//! Where a profile value comes from (docs/profiles.md, "Sources"): one or
//! more references separated by `; `, each a link to the vendor's page
//! (`https://…#section`), a seed document (`seed:002`) or a clause
//! (`rfc6749#6`), optionally followed by a note (a quote, or why a value
//! is unverified). A free-text label is refused: a reader must be able to
//! follow every value to its page.

/// One reference of a source, as the comparison table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `https://…`, `seed:002` or `rfc6749#6`.
    pub reference: String,
    /// Where a reader follows it (the link itself, a clause's document), when it has one.
    pub url: Option<String>,
    /// The text after the reference.
    pub note: String,
}

/// The references of `source`, or why it is not a source.
pub fn parse(source: &str) -> Result<Vec<Reference>, String> {
    if source.trim().is_empty() {
        return Err("`source` is empty; give a link (`https://…#section`), a seed (`seed:002`) or a clause (`rfc6749#6`)".into());
    }
    // A `; ` starts another reference only when a reference follows it;
    // otherwise it belongs to the note.
    let mut parts: Vec<String> = Vec::new();
    for piece in source.split("; ") {
        match parts.last_mut() {
            Some(last) if !starts_with_reference(piece) => {
                last.push_str("; ");
                last.push_str(piece);
            }
            _ => parts.push(piece.to_string()),
        }
    }
    parts.iter().map(|p| reference(p)).collect()
}

fn starts_with_reference(piece: &str) -> bool {
    let (first, rest) = split_first(piece.trim());
    first.starts_with("https://")
        || is_seed(first)
        || (first.starts_with("vendor:") && rest.starts_with("https://"))
        || (!first.starts_with("vendor:") && crate::clause::is_valid(first))
}

/// One `; `-separated part: a reference, then an optional note.
fn reference(part: &str) -> Result<Reference, String> {
    let part = part.trim();
    let (mut first, mut rest) = split_first(part);
    // `vendor:<name> https://…`: a label before the link, kept working.
    if first.starts_with("vendor:") && rest.starts_with("https://") {
        (first, rest) = split_first(rest);
    }
    let url = if first.starts_with("https://") {
        match url::Url::parse(first) {
            Ok(u) if u.host_str().is_some_and(|h| h.contains('.')) => Some(first.to_string()),
            _ => return Err(format!("`{first}` is not a valid https link")),
        }
    } else if is_seed(first) {
        None
    } else if !first.starts_with("vendor:") && crate::clause::is_valid(first) {
        crate::clause::url(first)
    } else {
        return Err(format!(
            "source `{}` does not start with a link (`https://…#section`), a seed (`seed:002`) or a clause (`rfc6749#6`); a note may follow the reference, and several references are separated by `; `",
            cut(part)
        ));
    };
    Ok(Reference {
        reference: first.to_string(),
        url,
        note: rest.trim().to_string(),
    })
}

fn split_first(s: &str) -> (&str, &str) {
    match s.split_once(char::is_whitespace) {
        Some((a, b)) => (a, b.trim_start()),
        None => (s, ""),
    }
}

fn is_seed(r: &str) -> bool {
    r.strip_prefix("seed:")
        .is_some_and(|n| n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()))
}

fn cut(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(80).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_seeds_and_clauses_with_notes() {
        let r = parse("https://developer.okta.com/docs/guides/refresh-tokens/main/#grace-period-for-token-rotation (leeway, default 30 s)").unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].note, "(leeway, default 30 s)");
        assert!(r[0]
            .url
            .as_deref()
            .unwrap()
            .ends_with("#grace-period-for-token-rotation"));
        let r = parse("seed:003; https://is.docs.wso2.com/en/latest/references/grant-types/#refresh-token-grant one day").unwrap();
        assert_eq!(
            (r[0].reference.as_str(), r[0].url.as_deref()),
            ("seed:003", None)
        );
        assert_eq!(r[1].note, "one day");
        let r = parse("seed:002 (a; b); rfc6749#6 (c)").unwrap();
        assert_eq!((r.len(), r[0].note.as_str()), (2, "(a; b)"));
        let r = parse("rfc6749#6").unwrap();
        assert_eq!(
            r[0].url.as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#section-6")
        );
        let r = parse("vendor:keycloak https://www.keycloak.org/docs/latest/server_admin/index.html#_timeouts (x)").unwrap();
        assert_eq!(
            r[0].reference,
            "https://www.keycloak.org/docs/latest/server_admin/index.html#_timeouts"
        );
    }

    #[test]
    fn free_text_labels_are_refused() {
        for bad in [
            "vendor:okta refresh-tokens guide (leeway)",
            "vendor:oracle IDCS refresh tokens",
            "Okta docs",
            "http://insecure.example/x",
            "https://",
            "seed:2",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
