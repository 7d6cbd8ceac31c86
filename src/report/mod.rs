//! Reports: everything here reads [`TrialRecord`](crate::record::TrialRecord)s
//! only (never HTTP, never target files), and every writer passes its final
//! text through a [`Redactor`](redact::Redactor) once more.

pub mod atomic;
pub mod redact;

pub use atomic::write_atomic;
pub use redact::Redactor;
