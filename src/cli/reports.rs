//! The files a run writes besides the console: JUnit, behaviour fingerprint
//! (with drift), HTML matrix + its JSON data, and the Markdown summary. Every
//! path is checked writable before the first request.

use refresh_conformance::record::TrialRecord;
use refresh_conformance::report::{
    self, fingerprint, Fingerprint, FingerprintDiff, Redactor, ReportMeta,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Outputs<'a> {
    pub junit: Option<&'a Path>,
    pub fingerprint: Option<&'a Path>,
    pub accept_drift: bool,
    pub html: Option<&'a Path>,
    pub summary: Option<&'a Path>,
    pub strict: bool,
    /// A FILTER, --skip, --exact or --ignored run: the fingerprint is compared
    /// for the trials that ran, and never rewritten.
    pub filtered: bool,
    /// Stopped by a signal: the fingerprint is never rewritten.
    pub interrupted: bool,
    /// Target name → profile.
    pub profiles: BTreeMap<String, String>,
}

/// Write every requested file. Returns the exit code these add (1 for drift,
/// 2 for a file that could not be written or read), or 0.
pub fn write(o: &Outputs, records: &[TrialRecord], redactor: &Redactor) -> i32 {
    let mut code = 0;
    let mut fail = |what: &str, path: &Path, e: String| {
        eprintln!("error: {what} {}: {e}", path.display());
        code = code.max(super::EXIT_INPUT);
    };
    let mut drift: Option<FingerprintDiff> = None;
    let mut drift_code = 0;
    if let Some(p) = o.fingerprint {
        match compare_fingerprint(o, p, records, redactor) {
            Ok((d, c)) => {
                drift = d;
                drift_code = c;
            }
            Err(e) => fail("fingerprint", p, e),
        }
    }
    if let Some(p) = o.junit {
        if let Err(e) = report::write_junit(p, records, o.strict, drift.as_ref(), redactor) {
            fail("writing JUnit to", p, e.to_string());
        }
    }
    let meta = ReportMeta {
        title: String::new(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: None,
        command: Some(std::env::args().collect::<Vec<_>>().join(" ")),
        strict: o.strict,
        profiles: o.profiles.clone(),
        drift: drift.clone().filter(FingerprintDiff::is_drift),
    };
    if let Some(p) = o.html {
        let html = report::html_report(records, &meta, redactor);
        if let Err(e) = report::write_atomic(p, html.as_bytes()) {
            fail("writing HTML to", p, e.to_string());
        }
        let index = index_path(p);
        let json = serde_json::to_string_pretty(&report::index_json(records, &meta, redactor))
            .unwrap_or_default();
        if let Err(e) = report::write_atomic(&index, json.as_bytes()) {
            fail("writing", &index, e.to_string());
        }
    }
    if let Some(p) = o.summary {
        let md = report::summary_markdown(records, drift.as_ref(), redactor, o.strict);
        if let Err(e) = write_summary(p, &md) {
            fail("writing the summary to", p, e.to_string());
        }
    }
    code.max(drift_code)
}

/// The HTML report's data, named after it beside it: `report.html` →
/// `report.json` (so `index.html` → `index.json`, as always). A report never
/// overwrites a data file of another name that it did not write.
pub fn index_path(html: &Path) -> PathBuf {
    html.with_extension("json")
}

/// Every file the run will write, checked writable before the first request:
/// a long run must not end in an unwritable path.
pub fn check_writable(files: &[Option<&Path>], html: Option<&Path>) -> Vec<String> {
    let mut paths: Vec<PathBuf> = files.iter().flatten().map(|p| p.to_path_buf()).collect();
    if let Some(h) = html {
        paths.push(h.to_path_buf());
        paths.push(index_path(h));
    }
    paths
        .iter()
        .filter_map(|p| {
            writable(p)
                .err()
                .map(|e| format!("{}: cannot be written: {e}", p.display()))
        })
        .collect()
}

/// Whether a file can be written at `path`: its directory can be made and a
/// file created in it (the probe is removed at once).
fn writable(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    if path.is_dir() {
        return Err(std::io::Error::other("it is a directory"));
    }
    tempfile::Builder::new()
        .prefix(".refresh-conformance-probe")
        .tempfile_in(dir)
        .map(drop)
}

/// GitHub's job summary file is shared by every step: append to it. Any other
/// path is written whole, atomically.
fn write_summary(path: &Path, md: &str) -> std::io::Result<()> {
    let is_step_summary =
        std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|v| Path::new(&v) == path);
    if is_step_summary {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        f.write_all(md.as_bytes())
    } else {
        report::write_atomic(path, md.as_bytes())
    }
}

/// Compare with the committed fingerprint; write it the first time or with
/// --accept-drift. Returns the diff and the exit code it implies.
fn compare_fingerprint(
    o: &Outputs,
    path: &Path,
    records: &[TrialRecord],
    redactor: &Redactor,
) -> Result<(Option<FingerprintDiff>, i32), String> {
    let new = fingerprint::from_records(records);
    let old = Fingerprint::read(path).map_err(|e| format!("{e:?}"))?;
    let Some(mut old) = old else {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            return Err("no fingerprint file, and CI is set: record one locally (`run --fingerprint FILE`), review it and commit it first".into());
        }
        if o.interrupted || o.filtered {
            eprintln!(
                "fingerprint: not written ({} run); run the whole catalog to record one",
                if o.interrupted {
                    "interrupted"
                } else {
                    "filtered"
                }
            );
            return Ok((None, 0));
        }
        new.write(path, redactor).map_err(|e| e.to_string())?;
        eprintln!("fingerprint: recorded {} (first run); commit it, and later runs report drift against it", path.display());
        return Ok((None, 0));
    };
    if o.filtered || o.interrupted {
        let ran: std::collections::BTreeSet<(String, String)> = records
            .iter()
            .map(|r| (r.target.clone(), r.scenario.clone()))
            .collect();
        old.retain(|t, s| ran.contains(&(t.to_string(), s.to_string())));
    }
    let d = fingerprint::diff(&old, &new);
    if !d.is_empty() {
        eprintln!(
            "fingerprint {}:\n{}",
            path.display(),
            redactor.redact(&fingerprint::render_diff(&d))
        );
    }
    if !d.is_drift() {
        return Ok((Some(d), 0));
    }
    if o.accept_drift && !o.filtered && !o.interrupted {
        new.write(path, redactor).map_err(|e| e.to_string())?;
        eprintln!("fingerprint: drift accepted, {} rewritten", path.display());
        return Ok((Some(d), 0));
    }
    if o.accept_drift {
        eprintln!("fingerprint: --accept-drift ignored for a filtered or interrupted run: the file is not rewritten");
    } else {
        eprintln!("fingerprint: behaviour drifted; if this is expected, rerun with --accept-drift to rewrite {}", path.display());
    }
    Ok((Some(d), 1))
}
