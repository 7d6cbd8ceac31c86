//! index.json: the HTML report's data for machines, redacted.

use super::ReportMeta;
use crate::record::{Outcome, TrialRecord};
use crate::redact::Redactor;
use crate::report::view::{clauses, totals, Matrix, Totals};
use serde_json::json;

/// The report's data as JSON (same content as [`html_report`](super::html_report)), redacted.
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
