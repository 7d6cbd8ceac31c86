//! Reports: redaction in front of every writer; JUnit, console, fingerprints, HTML, summaries.

pub mod redact;
