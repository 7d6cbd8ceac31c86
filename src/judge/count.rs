//! `count = [{ status = 200, eq = 1 }]`: counts over a concurrent group.

use super::Mismatch;
use super::Response;
use crate::scenario::model::CountExpect;

pub(crate) fn check(counts: &[CountExpect], group: &[Result<Response, String>]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let tally = || -> String {
        let mut by: std::collections::BTreeMap<String, u32> = Default::default();
        for r in group {
            let k = match r {
                Ok(r) => match r.field_str("error") {
                    Some(e) => format!("{} {e}", r.status),
                    None => r.status.to_string(),
                },
                Err(e) => format!("transport error ({e})"),
            };
            *by.entry(k).or_default() += 1;
        }
        by.iter()
            .map(|(k, v)| format!("{v}× {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for c in counts {
        let n = group
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|r| c.status.is_none_or(|s| s == r.status))
            .filter(|r| {
                c.error
                    .as_deref()
                    .is_none_or(|e| r.field_str("error") == Some(e))
            })
            .count() as u32;
        let what = match (&c.status, &c.error) {
            (Some(s), Some(e)) => format!("responses with status {s} and error {e}"),
            (Some(s), None) => format!("responses with status {s}"),
            (None, Some(e)) => format!("responses with error {e}"),
            (None, None) => "responses".into(),
        };
        let ok = c.eq.is_none_or(|x| n == x)
            && c.min.is_none_or(|x| n >= x)
            && c.max.is_none_or(|x| n <= x);
        if !ok {
            let mut want = Vec::new();
            if let Some(x) = c.eq {
                want.push(format!("exactly {x}"));
            }
            if let Some(x) = c.min {
                want.push(format!("at least {x}"));
            }
            if let Some(x) = c.max {
                want.push(format!("at most {x}"));
            }
            out.push(Mismatch::new(
                format!("number of {what}"),
                want.join(", "),
                format!("{n} ({})", tally()),
            ));
        }
    }
    out
}
