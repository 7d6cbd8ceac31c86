//! The `[behaviour]` block the probe prints: one line per vocabulary key in
//! the syntax of docs/target-file.md, each with the observation behind it
//! and whether it agrees with the profile's documented value; a key it could
//! not observe is commented out with the reason.

use super::observe::Line;
use crate::behaviour::{vocab::VOCABULARY, BehaviourSet, Stated, Value};
use std::time::Duration;

/// The first word of a source: its link, seed or clause.
fn cite(s: &Stated) -> String {
    let src = s.source.as_deref().unwrap_or("no source");
    // `vendor:keycloak https://…`: the link is the useful part.
    let mut words = src.split_whitespace();
    let link = words
        .clone()
        .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        .or_else(|| words.next())
        .unwrap_or(src)
        .trim_end_matches([';', ',']);
    if s.unverified {
        format!("unverified, {link}")
    } else {
        link.to_string()
    }
}

/// Durations agree within the measured range, or within a second.
fn same(seen: &Value, range: Option<(Duration, Duration)>, documented: &Value) -> bool {
    match (seen, documented) {
        (Value::Duration(a), Value::Duration(b)) => match range {
            Some((lo, hi)) => lo <= *b && *b <= hi,
            None => a.abs_diff(*b) <= Duration::from_secs(1),
        },
        _ => seen == documented,
    }
}

/// How a line compares with the profile; `public` resolves `public_clients`.
/// Returns the value to write (the profile's `public_clients` when it
/// resolves to what was seen) and the verdict text.
fn compare(
    line: &Line,
    seen: &Value,
    documented: Option<&Stated>,
    public: bool,
) -> (Value, String) {
    let Some(doc) = documented else {
        return (seen.clone(), "the profile states no value".into());
    };
    let resolved = doc.value.for_client(line.key, public);
    if same(seen, line.range, &resolved) {
        (
            doc.value.clone(),
            format!("agrees with the profile ({})", cite(doc)),
        )
    } else {
        (
            seen.clone(),
            format!(
                "differs: profile says {} ({})",
                doc.value.toml_literal().trim_matches('"'),
                cite(doc)
            ),
        )
    }
}

/// The block. `profile` holds the profile's values for the probed client.
pub(crate) fn render(
    lines: &[Line],
    profile: &BehaviourSet,
    public: bool,
    header: &[String],
) -> String {
    let mut out: String = header.iter().map(|h| format!("# {h}\n")).collect();
    out.push_str("[behaviour]\n");
    for def in VOCABULARY {
        let documented = profile.values.get(def.key);
        let line = lines.iter().find(|l| l.key == def.key);
        match line {
            Some(l @ Line { value: Some(v), .. }) => {
                let (write, verdict) = compare(l, v, documented, public);
                out.push_str(&format!(
                    "{} = {}  # seen: {}; {verdict}\n",
                    def.key,
                    write.toml_literal(),
                    l.note
                ));
            }
            _ => {
                let why = line.map_or("not probed", |l| l.note.as_str());
                match documented {
                    Some(d) => out.push_str(&format!(
                        "# {} = {}  # not seen: {why}; the profile's value ({})\n",
                        def.key,
                        d.value.toml_literal(),
                        cite(d)
                    )),
                    None => out.push_str(&format!("# {}: not seen: {why}\n", def.key)),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stated(v: Value, unverified: bool) -> Stated {
        Stated {
            value: v,
            source: Some("https://example.com/doc#x (a quote)".into()),
            unverified,
        }
    }

    #[test]
    fn a_line_says_whether_it_agrees_and_cites_the_profile() {
        let mut profile = BehaviourSet::default();
        profile
            .values
            .insert("reuse_detection".into(), stated(Value::Bool(true), false));
        profile.values.insert(
            "access_token_ttl".into(),
            stated(Value::Duration(Duration::from_secs(3600)), true),
        );
        profile.values.insert(
            "refresh_token_idle_ttl".into(),
            stated(Value::Duration(Duration::from_secs(86400)), false),
        );
        let lines = vec![
            Line::seen("reuse_detection", Value::Bool(true), "refused"),
            Line::seen(
                "access_token_ttl",
                Value::Duration(Duration::from_secs(300)),
                "expires_in 300",
            ),
        ];
        let text = render(&lines, &profile, false, &["probe".into()]);
        assert!(text.contains("reuse_detection = true  # seen: refused; agrees with the profile (https://example.com/doc#x)"), "{text}");
        assert!(text.contains("access_token_ttl = \"5m\"  # seen: expires_in 300; differs: profile says 1h (unverified, https://example.com/doc#x)"), "{text}");
        assert!(
            text.contains(
                "# refresh_token_idle_ttl = \"1d\"  # not seen: not probed; the profile's value"
            ),
            "{text}"
        );
        // What it prints parses as a target's [behaviour] table.
        let table: toml::Table = toml::from_str(&text).unwrap();
        let b = BehaviourSet::from_table(table["behaviour"].as_table().unwrap()).unwrap();
        assert_eq!(b.values.len(), 2);
    }

    #[test]
    fn public_clients_is_kept_when_it_resolves_to_what_was_seen() {
        let mut profile = BehaviourSet::default();
        profile.values.insert(
            "new_refresh_token".into(),
            stated(Value::Text("public_clients".into()), false),
        );
        let never = vec![Line::seen(
            "new_refresh_token",
            Value::Text("never".into()),
            "none",
        )];
        let text = render(&never, &profile, false, &[]);
        assert!(
            text.contains("new_refresh_token = \"public_clients\"  # seen: none; agrees"),
            "{text}"
        );
        let text = render(&never, &profile, true, &[]);
        assert!(
            text.contains(
                "new_refresh_token = \"never\"  # seen: none; differs: profile says public_clients"
            ),
            "{text}"
        );
    }
}
