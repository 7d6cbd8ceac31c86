//! The HTML matrix: ONE self-contained file (inline CSS, no script, no
//! external asset, works offline). Rows are scenarios grouped by area (the id
//! before the first `/`), columns are targets; each cell is graded with a
//! colour AND a text label, and every non-pass cell carries its message and
//! redacted exchanges inside `<details>`. Totals per column.
//!
//! The markup is XHTML-compatible (every element closed, attributes quoted,
//! only XML's predefined entities) so that it parses as XML too.
//!
//! [`index_json`] has the same data for machines.

use super::text::{clean, cut, escape_attr, escape_text, MAX_TEXT};
use super::view::{clauses, totals, Matrix, Totals};
use crate::record::{Outcome, TrialRecord};
use crate::redact::Redactor;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the report says about the run itself (the caller fills it; reports
/// never read the clock, so output stays reproducible).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportMeta {
    /// Heading; `refresh-conformance report` when empty.
    pub title: String,
    /// The tool's version (`env!("CARGO_PKG_VERSION")`).
    pub tool_version: String,
    /// When the run happened (RFC 3339), if the caller wants it shown.
    pub generated_at: Option<String>,
    /// The command line, redacted by the writer.
    pub command: Option<String>,
    /// `--strict`: warnings count as failures.
    pub strict: bool,
    /// Target name → profile it follows, when known.
    pub profiles: BTreeMap<String, String>,
    /// Behaviour drift against the fingerprint, when there is any.
    pub drift: Option<super::fingerprint::FingerprintDiff>,
}

impl ReportMeta {
    fn title(&self) -> &str {
        if self.title.is_empty() {
            "refresh-conformance report"
        } else {
            &self.title
        }
    }
}

struct Esc<'a> {
    redactor: &'a Redactor,
}

impl Esc<'_> {
    fn prep(&self, s: &str) -> String {
        cut(&self.redactor.redact(&clean(s)), MAX_TEXT)
    }
    fn t(&self, s: &str) -> String {
        escape_text(&self.prep(s))
    }
    fn a(&self, s: &str) -> String {
        escape_attr(&self.prep(s))
    }
}

fn outcome_detail(r: &TrialRecord) -> String {
    match &r.outcome {
        Outcome::Fail { kind } => kind.as_str().to_string(),
        Outcome::Skip { reason } | Outcome::NotRun { reason } => reason.clone(),
        Outcome::Error { cause } => cause.clone(),
        Outcome::Warn => "should".to_string(),
        Outcome::Pass => String::new(),
    }
}

/// The exchanges that show a finding; the last one for an unexplained
/// failure, warning or error (as `TrialRecord::details` chooses them).
fn shown_exchanges(r: &TrialRecord) -> Vec<usize> {
    let mut shown: Vec<usize> = r.findings.iter().filter_map(|f| f.exchange).collect();
    shown.sort();
    shown.dedup();
    if shown.is_empty() && !matches!(r.outcome, Outcome::Pass | Outcome::Skip { .. }) {
        shown.extend(r.transcript.len().checked_sub(1));
    }
    shown.retain(|i| *i < r.transcript.len());
    shown
}

fn render_refs(e: &Esc, refs: &[String]) -> String {
    let mut s = String::new();
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        match crate::clause::url(r) {
            Some(u) => {
                let _ = write!(
                    s,
                    "<a class=\"ref\" href=\"{}\">{}</a>",
                    escape_attr(&u),
                    e.t(r)
                );
            }
            None => {
                let _ = write!(s, "<span class=\"ref\">{}</span>", e.t(r));
            }
        }
    }
    s
}

fn render_cell(e: &Esc, r: &TrialRecord) -> String {
    let label = r.outcome.label();
    let mut s = format!(
        "<td class=\"cell {label}\" title=\"{}\"><span class=\"badge\">{}</span>",
        e.a(&format!("{}: {}", r.name, label)),
        label.to_uppercase()
    );
    let detail = outcome_detail(r);
    if matches!(r.outcome, Outcome::Fail { .. }) {
        let _ = write!(s, " <span class=\"kind\">{}</span>", e.t(&detail));
    }
    if !matches!(r.outcome, Outcome::Pass) {
        s.push_str("<details><summary>");
        match &r.outcome {
            Outcome::Skip { reason } => s.push_str(&e.t(reason)),
            Outcome::Error { cause } => s.push_str(&e.t(cause)),
            _ => s.push_str(&e.t(if r.message.is_empty() {
                "details"
            } else {
                &r.message
            })),
        }
        s.push_str("</summary>");
        if !r.findings.is_empty() {
            s.push_str("<ul class=\"findings\">");
            for f in &r.findings {
                let _ = write!(s, "<li>{}</li>", e.t(&f.describe()));
            }
            s.push_str("</ul>");
        }
        let cl = clauses(r);
        if !cl.is_empty() {
            let _ = write!(
                s,
                "<p class=\"clauses\">clauses: {}</p>",
                render_refs(e, &cl)
            );
        }
        if let Some(b) = &r.baseline {
            let _ = write!(s, "<p>baseline: {}</p>", e.t(b));
        }
        let shown = shown_exchanges(r);
        if !shown.is_empty() {
            let mut x = String::new();
            for i in shown {
                let ex = &r.transcript[i];
                let _ = write!(
                    x,
                    "exchange #{} (step `{}`):\n{}",
                    i + 1,
                    ex.step,
                    ex.render()
                );
            }
            let _ = write!(s, "<pre>{}</pre>", e.t(x.trim_end()));
        }
        s.push_str("</details>");
    }
    s.push_str("</td>");
    s
}

const CSS: &str = r#"
:root { color-scheme: light; --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#b3261e; --fail-bg:#ffebe9;
  --warn:#8a5a00; --warn-bg:#fff4cc; --skip:#57606a; --skip-bg:#f0f2f4; --error:#6e2fb0; --error-bg:#f1e6ff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: #57606a; margin: 0 0 16px; }
.meta code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
table.matrix { width: 100%; }
tr.area th { background: #eaeef2; font-size: 15px; }
td.scenario { min-width: 260px; }
td.scenario .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
td.scenario .title { color: #57606a; }
td.level { font-size: 12px; text-transform: uppercase; color: #57606a; }
.ref { display: inline-block; font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; margin: 0 4px 2px 0; }
a.ref { color: #0969da; }
td.cell { min-width: 130px; max-width: 520px; }
.badge { display: inline-block; font-weight: 700; font-size: 12px; padding: 1px 8px; border-radius: 10px; letter-spacing: .03em; }
.kind { font-size: 12px; }
td.pass { background: var(--pass-bg); } td.pass .badge { background: var(--pass); color: #fff; }
td.fail { background: var(--fail-bg); } td.fail .badge { background: var(--fail); color: #fff; } td.fail .kind { color: var(--fail); }
td.warn { background: var(--warn-bg); } td.warn .badge { background: var(--warn); color: #fff; }
td.skip { background: var(--skip-bg); } td.skip .badge { background: var(--skip); color: #fff; }
td.error { background: var(--error-bg); } td.error .badge { background: var(--error); color: #fff; }
td.not-run { background: var(--skip-bg); } td.not-run .badge { background: var(--skip); color: #fff; }
td.none { color: #8c959f; text-align: center; }
details { margin-top: 4px; }
summary { cursor: pointer; font-size: 13px; }
details pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 28em; overflow: auto; background: #fff; border: 1px solid #d0d7de; padding: 6px; font-size: 12px; }
ul.findings { margin: 4px 0; padding-left: 18px; font-size: 13px; }
p.clauses { margin: 4px 0; font-size: 12px; }
tfoot th, tfoot td { background: #f6f8fa; font-size: 13px; }
.totals span { display: inline-block; margin-right: 6px; white-space: nowrap; }
.t-pass { color: var(--pass); } .t-fail { color: var(--fail); } .t-warn { color: var(--warn); } .t-skip { color: var(--skip); } .t-error { color: var(--error); }
.legend span.badge { margin-right: 6px; }
.legend { margin: 0 0 16px; }
"#;

/// The drift section: every behaviour change against the fingerprint.
fn render_drift(e: &Esc, d: &super::fingerprint::FingerprintDiff) -> String {
    let mut s = format!(
        "<section class=\"drift\"><h2>Behaviour drift: {} change(s) against the fingerprint</h2>\n<p>The run fails on drift; accept it with <code>--accept-drift</code> once reviewed.</p>\n<table><thead><tr><th>trial</th><th>observation</th><th>before</th><th>now</th></tr></thead><tbody>\n",
        d.changed.len()
    );
    for c in &d.changed {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.t(&c.trial),
            e.t(&c.key),
            e.t(c.old.as_deref().unwrap_or("(absent)")),
            e.t(c.new.as_deref().unwrap_or("(absent)"))
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}

fn render_totals(t: &Totals) -> String {
    let mut s = format!(
        "<span class=\"t-pass\">{} pass</span><span class=\"t-warn\">{} warn</span><span class=\"t-fail\">{} fail</span><span class=\"t-error\">{} error</span><span class=\"t-skip\">{} skip</span>",
        t.pass, t.warn, t.fail, t.error, t.skip
    );
    if t.not_run > 0 {
        let _ = write!(s, "<span class=\"t-skip\">{} not run</span>", t.not_run);
    }
    s
}

/// Renders the whole report as one self-contained HTML file.
pub fn html_report(records: &[TrialRecord], meta: &ReportMeta, redactor: &Redactor) -> String {
    let e = Esc { redactor };
    let m = Matrix::new(records);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"meta\">",
        e.t(meta.title()),
        e.t(meta.title())
    );
    let mut parts: Vec<String> = Vec::new();
    if !meta.tool_version.is_empty() {
        parts.push(format!("refresh-conformance {}", e.t(&meta.tool_version)));
    }
    if let Some(g) = &meta.generated_at {
        parts.push(format!("run at {}", e.t(g)));
    }
    parts.push(format!(
        "{} trial(s), {} target(s)",
        records.len(),
        m.targets.len()
    ));
    if meta.strict {
        parts.push("strict: warnings count as failures".into());
    }
    if let Some(c) = &meta.command {
        parts.push(format!("<code>{}</code>", e.t(c)));
    }
    h.push_str(&parts.join(" · "));
    h.push_str("</p>\n<p class=\"legend\">");
    for l in ["pass", "warn", "fail", "error", "skip"] {
        let _ = write!(
            h,
            "<span class=\"cell {l}\"><span class=\"badge\" style=\"background:var(--{l});color:#fff\">{}</span></span>",
            l.to_uppercase()
        );
    }
    h.push_str(" fail = spec-violation (a MUST broken) or profile-mismatch (not what the profile states); warn = a SHOULD broken or lenient behaviour; error = the harness could not judge.</p>\n");
    if let Some(d) = &meta.drift {
        h.push_str(&render_drift(&e, d));
    }

    // The matrix.
    h.push_str(
        "<table class=\"matrix\">\n<thead><tr><th>scenario</th><th>level</th><th>clauses</th>",
    );
    for t in &m.targets {
        let _ = write!(h, "<th>{}", e.t(t));
        if let Some(p) = meta.profiles.get(*t) {
            let _ = write!(h, "<br/><small>profile {}</small>", e.t(p));
        }
        h.push_str("</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let ncols = 3 + m.targets.len();
    for (area, rows) in &m.areas {
        let _ = writeln!(
            h,
            "<tr class=\"area\"><th colspan=\"{ncols}\" id=\"area-{}\">{}</th></tr>",
            e.a(area),
            e.t(area)
        );
        for row in rows {
            let r = row.first;
            let _ = write!(
                h,
                "<tr><td class=\"scenario\"><div class=\"id\">{}</div><div class=\"title\">{}</div></td><td class=\"level\">{}</td><td>{}</td>",
                e.t(&r.scenario),
                e.t(&r.title),
                r.level,
                render_refs(&e, &r.refs)
            );
            for cell in &row.cells {
                match cell {
                    Some(c) => h.push_str(&render_cell(&e, c)),
                    None => h.push_str("<td class=\"cell none\">not run</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</tbody>\n<tfoot><tr><th colspan=\"3\">totals</th>");
    let tot = totals(records);
    for t in &m.targets {
        let t = tot
            .iter()
            .find(|(n, _)| n == t)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let _ = write!(h, "<td class=\"totals\">{}</td>", render_totals(&t));
    }
    h.push_str("</tr></tfoot>\n</table>\n</body>\n</html>\n");
    h
}

/// The report's data as JSON (same content as [`html_report`]), redacted.
pub fn index_json(
    records: &[TrialRecord],
    meta: &ReportMeta,
    redactor: &Redactor,
) -> serde_json::Value {
    let m = Matrix::new(records);
    let tot = totals(records);
    let refs = |rs: &[String]| -> Vec<serde_json::Value> {
        rs.iter()
            .map(|r| json!({ "ref": r, "url": crate::clause::url(r) }))
            .collect()
    };
    let areas: Vec<serde_json::Value> = m
        .areas
        .iter()
        .map(|(area, rows)| {
            let scenarios: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let r = row.first;
                    let mut results = serde_json::Map::new();
                    for (t, cell) in m.targets.iter().zip(&row.cells) {
                        if let Some(c) = cell {
                            let mut o = serde_json::to_value(&c.outcome).expect("outcome");
                            let obj = o.as_object_mut().expect("tagged enum");
                            obj.insert("message".into(), json!(c.message));
                            obj.insert("clauses".into(), json!(clauses(c)));
                            obj.insert(
                                "findings".into(),
                                json!(c.findings.iter().map(|f| f.describe()).collect::<Vec<_>>()),
                            );
                            obj.insert("observations".into(), json!(c.observations));
                            obj.insert("duration_ms".into(), json!(c.duration.as_millis() as u64));
                            if let Some(b) = &c.baseline {
                                obj.insert("baseline".into(), json!(b));
                            }
                            if !matches!(c.outcome, Outcome::Pass) {
                                obj.insert("details".into(), json!(c.details()));
                                obj.insert("transcript".into(), json!(c.transcript));
                            }
                            results.insert(t.to_string(), o);
                        }
                    }
                    json!({
                        "id": r.scenario,
                        "title": r.title,
                        "level": r.level,
                        "refs": refs(&r.refs),
                        "results": results,
                    })
                })
                .collect();
            json!({ "area": area, "scenarios": scenarios })
        })
        .collect();
    let v = json!({
        "meta": meta,
        "targets": m.targets,
        "totals": tot.iter().map(|(t, n)| (t.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "total": Totals::of(records),
        "areas": areas,
    });
    redactor.redact_json(&v)
}
