//! refresh-conformance: a conformance suite for identity providers'
//! refresh-token behaviour. Flow: load → plan → execute → judge → report
//! (see ARCHITECTURE.md).

pub mod behaviour;
pub mod clause;
pub mod doc;
pub mod emulator;
pub mod judge;
pub mod oauth;
pub mod probe;
pub mod record;
pub mod redact;
pub mod report;
pub mod run;
pub mod scenario;
pub mod target;
