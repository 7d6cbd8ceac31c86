//! A profile's `[known_deviations."<scenario-id>"]`: a scenario the vendor's
//! documented behaviour fails, with the reason and its source.
//!
//! The emulator reproduces the documentation, so its run of that scenario
//! fails, truly. An `emulated:` target takes these entries as its baseline:
//! the trial is reported as a known deviation (never a pass), and a pass is
//! flagged "no longer seen". A live target never inherits them: a tenant's
//! verdict is the tenant's own (its baseline file is where a user accepts one).

use super::source;
use crate::doc::{type_name, Doc, Located};
use std::collections::BTreeMap;

/// One documented deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDeviation {
    /// `fail` or `warn`: what the scenario does on the emulated vendor.
    pub outcome: String,
    pub reason: String,
    /// A URL, `seed:NNN` or a clause, as for every profile value.
    pub source: String,
}

const KEYS: &[&str] = &["outcome", "reason", "source"];
const OUTCOMES: &[&str] = &["fail", "warn"];

/// `[known_deviations]` in `doc`, each problem located.
pub(super) fn known_deviations_at(
    doc: &Doc,
    problems: &mut Vec<Located>,
) -> BTreeMap<String, KnownDeviation> {
    let mut out = BTreeMap::new();
    let Some(v) = doc.root.get("known_deviations") else {
        return out;
    };
    let Some(t) = v.as_table() else {
        problems.push(doc.value(
            &["known_deviations"],
            &format!("`known_deviations` must be a table, not {}", type_name(v)),
        ));
        return out;
    };
    for (id, entry) in t {
        let at = ["known_deviations", id.as_str()];
        let Some(e) = entry.as_table() else {
            problems.push(doc.value(
                &at,
                "a known deviation is `{ outcome = \"fail\", reason = \"…\", source = \"https://…\" }`",
            ));
            continue;
        };
        for k in e.keys() {
            if !KEYS.contains(&k.as_str()) {
                problems.push(doc.key(
                    &[&at[..], &[k.as_str()]].concat(),
                    &format!(
                        "unknown key `{k}` (a known deviation has {})",
                        KEYS.join(", ")
                    ),
                ));
            }
        }
        let text = |k: &str, problems: &mut Vec<Located>| match e.get(k) {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            _ => {
                problems.push(doc.value(&at, &format!("a known deviation needs `{k}` (text)")));
                None
            }
        };
        let (Some(outcome), Some(reason), Some(src)) = (
            text("outcome", problems),
            text("reason", problems),
            text("source", problems),
        ) else {
            continue;
        };
        if !OUTCOMES.contains(&outcome.as_str()) {
            problems.push(doc.value(
                &[&at[..], &["outcome"]].concat(),
                &format!("outcome `{outcome}` is not one of {}", OUTCOMES.join(", ")),
            ));
        }
        if let Err(e) = source::parse(&src) {
            problems.push(doc.value(&[&at[..], &["source"]].concat(), &e));
        }
        out.insert(
            id.clone(),
            KnownDeviation {
                outcome,
                reason,
                source: src,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::behaviour::Profile;

    const HEAD: &str = "name = \"p\"\n";

    #[test]
    fn a_known_deviation_is_read_with_its_source() {
        let p = Profile::parse(
            "p.toml",
            &format!("{HEAD}[known_deviations.\"client/x\"]\noutcome = \"fail\"\nreason = \"documented\"\nsource = \"rfc9700#4.14.2\"\n"),
        )
        .unwrap();
        let d = &p.known_deviations["client/x"];
        assert_eq!(
            (d.outcome.as_str(), d.reason.as_str()),
            ("fail", "documented")
        );
    }

    #[test]
    fn a_known_deviation_without_a_source_or_with_a_pass_is_refused_located() {
        let e = Profile::parse(
            "p.toml",
            &format!("{HEAD}[known_deviations.\"client/x\"]\noutcome = \"pass\"\nreason = \"r\"\n"),
        )
        .unwrap_err();
        assert!(e.contains("needs `source`"), "{e}");
        let e = Profile::parse(
            "p.toml",
            &format!("{HEAD}[known_deviations.\"client/x\"]\noutcome = \"pass\"\nreason = \"r\"\nsource = \"rfc6749#6\"\n"),
        )
        .unwrap_err();
        assert!(
            e.contains("p.toml:") && e.contains("`pass` is not one of fail, warn"),
            "{e}"
        );
    }
}
