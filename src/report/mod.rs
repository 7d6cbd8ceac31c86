//! Reports: everything here reads [`TrialRecord`](crate::record::TrialRecord)s
//! only (never HTTP, never target files), and every writer passes its final
//! text through a [`Redactor`](crate::redact::Redactor) once more.

pub mod atomic;
pub mod console;
pub mod fingerprint;
pub mod html;
pub mod junit;
#[cfg(any(test, feature = "fixtures"))]
pub mod sample;
pub mod summary;
pub mod text;
pub mod view;

pub use crate::redact::Redactor;
pub use atomic::write_atomic;
pub use fingerprint::{diff, from_records, render_diff, Fingerprint, FingerprintDiff};
pub use html::{html_report, index_json, ReportMeta};
pub use junit::{junit_xml, write_junit};
pub use summary::summary_markdown;
