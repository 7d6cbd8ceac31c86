//! Behaviour fingerprints (`--fingerprint FILE`): per target, per scenario,
//! the outcome label and the judge's observations (already free of token
//! values and timestamps). The next run compares and reports drift with a
//! readable diff.
//!
//! The file is JSON with a stable key order (every map is a `BTreeMap`), one
//! key per line, so it diffs well under version control. Scenarios added or
//! removed between two fingerprints are reported, not counted as drift.
//!
//! Policy (never rewritten by an interrupted or filtered run, `--accept-drift`,
//! a missing file under `CI`) belongs to the command that calls this.

use super::atomic::write_atomic;
use crate::doc::read::read_text_capped;
use crate::record::TrialRecord;
use crate::redact::Redactor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The current file format version.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// What one scenario showed on one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioPrint {
    /// `pass`, `warn`, `fail`, `skip` or `error`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub observations: BTreeMap<String, String>,
}

/// Target name → scenario id → what it showed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub version: u32,
    pub targets: BTreeMap<String, BTreeMap<String, ScenarioPrint>>,
}

/// One difference between two fingerprints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `<target>/<scenario-id>`.
    pub trial: String,
    /// `outcome` or an observation key (`rotate.new_refresh_token`).
    pub key: String,
    /// `None`: the key was absent.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The differences between an old and a new fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FingerprintDiff {
    /// Drift: trials in both whose outcome or observations changed.
    pub changed: Vec<Change>,
    /// Trials only in the new fingerprint (a new scenario or target): not drift.
    pub added: Vec<String>,
    /// Trials only in the old fingerprint: not drift.
    pub removed: Vec<String>,
}

impl FingerprintDiff {
    /// True when behaviour changed (added or removed trials do not count).
    pub fn is_drift(&self) -> bool {
        !self.changed.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// Why a fingerprint file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FingerprintError {
    #[error("cannot read fingerprint {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Not a regular file, too large, or not UTF-8 (the message names the path).
    #[error("cannot read fingerprint: {0}")]
    Unreadable(String),
    #[error("fingerprint {path} is not valid: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("fingerprint {path} has format version {found}; this tool writes {FORMAT_VERSION}")]
    Version { path: String, found: u32 },
}

/// A fingerprint holds one short line per trial: 64 MiB is far beyond any
/// real run (1,200 trials write about 200 KB).
const MAX_FINGERPRINT: u64 = 64 << 20;

/// Builds the fingerprint of a run.
pub fn from_records(records: &[TrialRecord]) -> Fingerprint {
    let mut fp = Fingerprint {
        version: FORMAT_VERSION,
        targets: BTreeMap::new(),
    };
    for r in records {
        fp.targets.entry(r.target.clone()).or_default().insert(
            r.scenario.clone(),
            ScenarioPrint {
                outcome: r.outcome.label().to_string(),
                observations: r.observations.clone(),
            },
        );
    }
    fp
}

impl Fingerprint {
    /// Pretty JSON (stable order, trailing newline), redacted once more.
    pub fn to_json(&self, redactor: &Redactor) -> String {
        let v = serde_json::to_value(self).expect("fingerprint serialises");
        let mut s =
            serde_json::to_string_pretty(&redactor.redact_json(&v)).expect("JSON serialises");
        s.push('\n');
        s
    }

    pub(crate) fn from_json(text: &str) -> Result<Fingerprint, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Reads a fingerprint file. `Ok(None)` when the file does not exist.
    pub fn read(path: &Path) -> Result<Option<Fingerprint>, FingerprintError> {
        let p = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(FingerprintError::Io { path: p, source }),
            Ok(_) => {}
        }
        // A FIFO would block and a device never end: regular files only, capped.
        let text = read_text_capped(path, MAX_FINGERPRINT).map_err(FingerprintError::Unreadable)?;
        let fp = Self::from_json(&text).map_err(|source| FingerprintError::Parse {
            path: p.clone(),
            source,
        })?;
        if fp.version != FORMAT_VERSION {
            return Err(FingerprintError::Version {
                path: p,
                found: fp.version,
            });
        }
        Ok(Some(fp))
    }

    /// Writes the file atomically.
    pub fn write(&self, path: &Path, redactor: &Redactor) -> std::io::Result<()> {
        write_atomic(path, self.to_json(redactor).as_bytes())
    }

    /// Keeps only the trials for which `keep(target, scenario)` holds: compare
    /// a filtered run against the part of the old fingerprint it covered.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &str) -> bool) {
        for (t, scenarios) in self.targets.iter_mut() {
            scenarios.retain(|s, _| keep(t, s));
        }
        self.targets.retain(|_, s| !s.is_empty());
    }

    fn trials(&self) -> BTreeMap<String, &ScenarioPrint> {
        let mut out = BTreeMap::new();
        for (t, scenarios) in &self.targets {
            for (s, p) in scenarios {
                out.insert(format!("{t}/{s}"), p);
            }
        }
        out
    }
}

/// Compares two fingerprints.
pub fn diff(old: &Fingerprint, new: &Fingerprint) -> FingerprintDiff {
    let (o, n) = (old.trials(), new.trials());
    let mut d = FingerprintDiff::default();
    for (trial, op) in &o {
        let Some(np) = n.get(trial) else {
            d.removed.push(trial.clone());
            continue;
        };
        if op.outcome != np.outcome {
            d.changed.push(Change {
                trial: trial.clone(),
                key: "outcome".into(),
                old: Some(op.outcome.clone()),
                new: Some(np.outcome.clone()),
            });
        }
        let keys: std::collections::BTreeSet<&String> = op
            .observations
            .keys()
            .chain(np.observations.keys())
            .collect();
        for k in keys {
            let (a, b) = (op.observations.get(k), np.observations.get(k));
            if a != b {
                d.changed.push(Change {
                    trial: trial.clone(),
                    key: k.clone(),
                    old: a.cloned(),
                    new: b.cloned(),
                });
            }
        }
    }
    d.added = n.keys().filter(|t| !o.contains_key(*t)).cloned().collect();
    d
}

fn show(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(absent)")
}

/// A readable rendering, one line per change:
/// `emulated-okta/rotation/new-token: rotate.new_refresh_token: yes → no`.
pub fn render_diff(d: &FingerprintDiff) -> String {
    let mut s = String::new();
    if d.is_empty() {
        s.push_str("no behaviour drift\n");
        return s;
    }
    if !d.changed.is_empty() {
        let trials: std::collections::BTreeSet<&str> =
            d.changed.iter().map(|c| c.trial.as_str()).collect();
        let _ = writeln!(
            s,
            "behaviour drift: {} change(s) in {} trial(s)",
            d.changed.len(),
            trials.len()
        );
        for c in &d.changed {
            let _ = writeln!(
                s,
                "  {}: {}: {} → {}",
                c.trial,
                c.key,
                show(&c.old),
                show(&c.new)
            );
        }
    }
    if !d.added.is_empty() {
        let _ = writeln!(s, "new scenarios (not drift; accept to record them):");
        for t in &d.added {
            let _ = writeln!(s, "  + {t}");
        }
    }
    if !d.removed.is_empty() {
        let _ = writeln!(s, "scenarios no longer run (not drift):");
        for t in &d.removed {
            let _ = writeln!(s, "  - {t}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{FailKind, Outcome};
    use crate::report::sample::{record, sample_records};

    #[test]
    fn stable_json_round_trip() {
        let fp = from_records(&sample_records());
        let json = fp.to_json(&Redactor::new());
        assert_eq!(Fingerprint::from_json(&json).unwrap(), fp);
        // Keys are sorted: the same records in another order give the same text.
        let mut rev = sample_records();
        rev.reverse();
        assert_eq!(from_records(&rev).to_json(&Redactor::new()), json);
        let a = json.find("\"emulated-keycloak\"").unwrap();
        let b = json.find("\"emulated-okta\"").unwrap();
        assert!(a < b);
        assert!(json.ends_with("}\n"));
    }

    #[test]
    fn no_drift_against_itself() {
        let fp = from_records(&sample_records());
        let d = diff(&fp, &fp);
        assert!(d.is_empty() && !d.is_drift());
        assert_eq!(render_diff(&d), "no behaviour drift\n");
    }

    #[test]
    fn drift_is_readable() {
        let old = sample_records();
        let mut new = sample_records();
        new[0]
            .observations
            .insert("rotate.new_refresh_token".into(), "no".into());
        new[0].observations.remove("grant.refresh_token");
        new[0]
            .observations
            .insert("rotate.scope".into(), "{openid}".into());
        new[1].outcome = Outcome::Fail {
            kind: FailKind::SpecViolation,
        };
        let d = diff(&from_records(&old), &from_records(&new));
        assert!(d.is_drift());
        let text = render_diff(&d);
        assert!(
            text.contains("emulated-okta/rotation/new-token: rotate.new_refresh_token: yes → no"),
            "{text}"
        );
        assert!(text
            .contains("emulated-okta/rotation/new-token: grant.refresh_token: present → (absent)"));
        assert!(
            text.contains("emulated-okta/rotation/new-token: rotate.scope: (absent) → {openid}")
        );
        assert!(
            text.contains("emulated-okta/rotation/previous-token-refused: outcome: pass → fail")
        );
        assert_eq!(d.changed.len(), 4);
        assert!(d.added.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn added_and_removed_are_not_drift() {
        let old = sample_records();
        let mut new = sample_records();
        new.retain(|r| r.scenario != "expiry/idle-ttl");
        new.push(record(
            "emulated-okta",
            "rotation/brand-new",
            Outcome::Pass,
            "ok",
        ));
        let d = diff(&from_records(&old), &from_records(&new));
        assert!(!d.is_drift());
        assert_eq!(
            d.added,
            vec!["emulated-okta/rotation/brand-new".to_string()]
        );
        assert_eq!(d.removed.len(), 3);
        let text = render_diff(&d);
        assert!(
            text.contains("+ emulated-okta/rotation/brand-new"),
            "{text}"
        );
        assert!(text.contains("- okta-staging/expiry/idle-ttl"), "{text}");
    }

    #[test]
    fn retain_limits_comparison_to_a_filtered_run() {
        let mut old = from_records(&sample_records());
        let new = from_records(
            &sample_records()
                .into_iter()
                .filter(|r| r.scenario.starts_with("rotation/"))
                .collect::<Vec<_>>(),
        );
        old.retain(|_, s| s.starts_with("rotation/"));
        assert!(diff(&old, &new).is_empty());
    }

    #[test]
    fn file_io_and_redaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fp/okta.fingerprint.json");
        assert!(Fingerprint::read(&path).unwrap().is_none());
        let mut recs = sample_records();
        recs[0]
            .observations
            .insert("leak".into(), "CANARY-abcdef123456".into());
        let red = Redactor::new();
        red.add_secret("CANARY-abcdef123456", "‹secret:main›");
        from_records(&recs).write(&path, &red).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("CANARY") && text.contains("‹secret:main›"));
        let back = Fingerprint::read(&path).unwrap().unwrap();
        assert_eq!(back.targets.len(), 3);
        std::fs::write(&path, "{\"version\": 99, \"targets\": {}}").unwrap();
        let e = Fingerprint::read(&path).unwrap_err().to_string();
        assert!(e.contains("format version 99"), "{e}");
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(
            Fingerprint::read(&path),
            Err(FingerprintError::Parse { .. })
        ));
    }
}
