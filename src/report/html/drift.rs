//! The drift section: every behaviour change against the fingerprint.

use super::esc::Esc;
use crate::report::fingerprint::FingerprintDiff;
use std::fmt::Write as _;

pub(super) fn drift(e: &Esc, d: &FingerprintDiff) -> String {
    let mut s = format!(
        "<section id=\"drift\" class=\"drift\"><h2>Behaviour drift: {} change(s) against the fingerprint</h2>\n<p>The run fails on drift; accept it with <code>--accept-drift</code> once reviewed.</p>\n<table class=\"drift\"><colgroup><col class=\"trial\"/><col class=\"key\"/><col/><col/></colgroup><thead><tr><th>trial</th><th>observation</th><th>before</th><th>now</th></tr></thead><tbody>\n",
        d.changed.len()
    );
    for c in &d.changed {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.t(&c.trial),
            e.t(&c.key),
            e.labelled(c.old.as_deref().unwrap_or("(absent)")),
            e.labelled(c.new.as_deref().unwrap_or("(absent)"))
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}
