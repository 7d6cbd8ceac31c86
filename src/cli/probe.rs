//! `refresh-conformance probe`: what a tenant does, as a `[behaviour]` block.

use super::{input_errors, parse_duration, EXIT_INPUT};
use clap::Args;
use refresh_conformance::probe::{self, ProbeError, ProbeOptions};
use refresh_conformance::redact::Redactor;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// The target file (or `emulated:<profile>`) to probe.
    #[arg(long = "target", value_name = "FILE")]
    pub target: String,
    /// The client to probe, by its role in the target file.
    #[arg(long, default_value = "main", value_name = "NAME")]
    pub client: String,
    /// The longest the probe waits (the grace window search, a rotation's delay).
    #[arg(long, default_value = "2m", value_parser = parse_duration)]
    pub max_wait: Duration,
}

/// Exit codes: 0 the block printed, 1 the IdP refused the grant or refresh
/// the probe needs, 2 bad input, 3 harness trouble (the block, if printed,
/// says which lines it cost).
pub fn probe(a: ProbeArgs) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return input_errors(&[format!("cannot start the async runtime: {e}")]),
    };
    let mut targets = match rt.block_on(super::targets::resolve(
        std::slice::from_ref(&a.target),
        &[],
    )) {
        Ok(t) => t,
        Err(e) => return input_errors(&e),
    };
    let Some(target) = targets.pop() else {
        return input_errors(&["no target".into()]);
    };
    let opts = ProbeOptions {
        client: a.client,
        max_wait: a.max_wait,
    };
    let code = match probe::probe(&rt, target, &opts, Arc::new(Redactor::new())) {
        Ok(p) => {
            print!("{}", p.block);
            for t in &p.trouble {
                eprintln!("error: harness trouble, not the IdP's: {t}");
            }
            if p.trouble.is_empty() {
                0
            } else {
                3
            }
        }
        Err(ProbeError::Input(m)) => {
            eprintln!("error: {m}");
            EXIT_INPUT
        }
        Err(ProbeError::Idp(m)) => {
            eprintln!("error: {m} (the IdP's answer; nothing printed)");
            1
        }
        Err(ProbeError::Harness(m)) => {
            eprintln!("error: {m} (harness trouble, not the IdP's; nothing printed)");
            3
        }
    };
    rt.shutdown_timeout(Duration::from_millis(200));
    code
}
