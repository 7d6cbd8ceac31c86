//! The matrix: scenarios (grouped by area) × targets, each cell graded in
//! colour and in text. A failure or error links to where it is explained
//! above, a warning to the warnings below; a skip says why. Totals per target at the foot. A fixed
//! layout: the columns share the width, and long text wraps inside them.

use super::esc::{anchor, refs, Esc};
use super::verdict::listed_as_failure;
use super::ReportMeta;
use crate::record::{Outcome, TrialRecord};
use crate::report::view::{totals, Matrix, Totals};
use std::fmt::Write as _;

fn cell(e: &Esc, records: &[TrialRecord], r: &TrialRecord, strict: bool) -> String {
    let label = r.outcome.label();
    let hover = match &r.outcome {
        Outcome::Skip { reason } => format!("{}: skip: {reason}", r.name),
        Outcome::NotRun { reason } => format!("{}: not run: {reason}", r.name),
        _ => format!("{}: {label}", r.name),
    };
    let mut s = format!(
        "<td class=\"cell {label}\" title=\"{}\"><span class=\"badge\">{}</span>",
        e.a(&hover),
        label.to_uppercase()
    );
    match &r.outcome {
        Outcome::Pass => {}
        Outcome::Skip { reason } | Outcome::NotRun { reason } => {
            let _ = write!(
                s,
                "<details><summary>why</summary><p>{}</p></details>",
                e.labelled(reason)
            );
        }
        Outcome::Fail { .. } | Outcome::Error { .. } | Outcome::Warn => {
            if let Outcome::Fail { kind } = &r.outcome {
                let _ = write!(s, " <span class=\"kind\">{}</span>", kind.as_str());
            }
            // Explained with the failures (above) or the warnings (below).
            let arrow = if listed_as_failure(r, strict) {
                "↑"
            } else {
                "↓"
            };
            if let Some(i) = records.iter().position(|x| std::ptr::eq(x, r)) {
                let _ = write!(
                    s,
                    "<br/><a class=\"goto\" href=\"#{}\">details {arrow}</a>",
                    anchor(i)
                );
            }
        }
    }
    s.push_str("</td>");
    s
}

fn render_totals(t: &Totals) -> String {
    let mut s = format!(
        "<span class=\"t-pass\">{} pass</span> <span class=\"t-warn\">{} warn</span> <span class=\"t-fail\">{} fail</span> <span class=\"t-error\">{} error</span> <span class=\"t-skip\">{} skip</span>",
        t.pass, t.warn, t.fail, t.error, t.skip
    );
    if t.not_run > 0 {
        let _ = write!(s, " <span class=\"t-skip\">{} not run</span>", t.not_run);
    }
    s
}

const LEGEND: &str = "<p class=\"legend\"><span class=\"badge pass\">PASS</span> <span class=\"badge warn\">WARN</span> <span class=\"badge fail\">FAIL</span> <span class=\"badge error\">ERROR</span> <span class=\"badge skip\">SKIP</span> fail = spec-violation (a MUST broken) or profile-mismatch (not what the profile states); warn = a SHOULD broken or lenient behaviour; error = the harness could not judge.</p>\n";

/// The matrix section.
pub(super) fn matrix(e: &Esc, records: &[TrialRecord], meta: &ReportMeta) -> String {
    let m = Matrix::new(records);
    let mut h = String::from("<section id=\"matrix\">\n<h2>Scenarios × targets</h2>\n");
    h.push_str(LEGEND);
    h.push_str("<table class=\"matrix\">\n<colgroup><col class=\"scenario\"/>");
    for _ in &m.targets {
        h.push_str("<col/>");
    }
    h.push_str("</colgroup>\n<thead><tr><th>scenario</th>");
    for t in &m.targets {
        let _ = write!(h, "<th>{}", e.t(t));
        if let Some(p) = meta.profiles.get(*t) {
            let _ = write!(h, "<br/><small>profile {}</small>", e.t(p));
        }
        h.push_str("</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let ncols = 1 + m.targets.len();
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
                "<tr><td class=\"scenario\"><div class=\"id\">{}</div><div class=\"title\">{}</div><div class=\"refs\"><span class=\"level\">{}</span> {}</div></td>",
                e.t(&r.scenario),
                e.t(&r.title),
                r.level,
                refs(e, &r.refs)
            );
            for c in &row.cells {
                match c {
                    Some(c) => h.push_str(&cell(e, records, c, meta.strict)),
                    None => h.push_str("<td class=\"cell none\">not run</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</tbody>\n<tfoot><tr><th>totals</th>");
    let tot = totals(records);
    for t in &m.targets {
        let t = tot
            .iter()
            .find(|(n, _)| n == t)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        let _ = write!(h, "<td class=\"totals\">{}</td>", render_totals(&t));
    }
    h.push_str("</tr></tfoot>\n</table>\n</section>\n");
    h
}
