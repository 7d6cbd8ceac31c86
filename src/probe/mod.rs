//! `probe`: a small, bounded number of grants and refreshes against a live
//! target, and the `[behaviour]` block of what they showed (docs/probe.md).
//!
//! The questions are scenarios without expectations (`questions.rs`), run
//! by the runner like any trial, so authentication, grant sources, the
//! target's HTTP settings, `--max-wait` and redaction are the run's own. The
//! records are read back (`read.rs`) into one line per vocabulary key
//! (`observe.rs`, `observe_grants.rs`, the grace search in `grace.rs`) and
//! rendered against the profile (`block.rs`). Only the CLI imports this.

mod block;
mod grace;
mod observe;
mod observe_grants;
mod questions;
mod read;

use crate::record::TrialRecord;
use crate::redact::Redactor;
use crate::run::env::RunOptions;
use crate::run::plan::Filters;
use crate::run::runner::{self, Settings};
use crate::target::Target;
use observe::{Line, Rotation};
use std::sync::Arc;
use std::time::Duration;

/// How the probe runs.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The client role to probe (it plays `main` in the questions).
    pub client: String,
    /// The longest wait of the grace window search (and of any question).
    pub max_wait: Duration,
}

/// Why a probe stopped; the exit code tells the user whose trouble it is.
#[derive(Debug)]
pub enum ProbeError {
    /// The arguments or the target file (exit 2).
    Input(String),
    /// The IdP refused what the probe needs: a grant and a refresh (exit 1).
    Idp(String),
    /// No answer: transport, timeouts, the harness (exit 3).
    Harness(String),
}

/// The block, and harness trouble met on the way (the block says what
/// those questions could not show; the caller exits non-zero).
pub struct Probed {
    pub block: String,
    pub trouble: Vec<String>,
}

/// The chosen client as `main`, alone: every question uses it.
fn as_main(mut target: Target, role: &str) -> Result<Target, ProbeError> {
    let Some(mut client) = target.clients.remove(role) else {
        let known: Vec<&String> = target.clients.keys().collect();
        return Err(ProbeError::Input(format!(
            "--client {role}: target `{}` has no such client (it has: {})",
            target.name,
            known
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    client.role = "main".into();
    target.clients = [("main".to_string(), client)].into();
    Ok(target)
}

fn ask(
    rt: &tokio::runtime::Runtime,
    target: &Target,
    texts: &[String],
    opts: &ProbeOptions,
    redactor: &Arc<Redactor>,
) -> Result<Vec<TrialRecord>, ProbeError> {
    let scenarios = questions::load(texts).map_err(ProbeError::Harness)?;
    let run_opts = RunOptions {
        strict: false,
        max_wait: opts.max_wait,
        clock_skew: Duration::ZERO,
        trial_timeout: opts.max_wait + Duration::from_secs(120),
    };
    let result = runner::run(
        rt,
        vec![target.clone()],
        scenarios,
        &Filters::default(),
        &run_opts,
        &Settings::default(),
        redactor.clone(),
    )
    .map_err(ProbeError::Input)?;
    Ok(result.records)
}

/// Probe `target` and render the block. `rt` runs the trials.
pub fn probe(
    rt: &tokio::runtime::Runtime,
    target: Target,
    opts: &ProbeOptions,
    redactor: Arc<Redactor>,
) -> Result<Probed, ProbeError> {
    let public = target
        .clients
        .get(&opts.client)
        .is_some_and(|c| c.is_public());
    let documented = target.profile.for_client(&opts.client);
    let target = as_main(target, &opts.client)?;
    let scopes = &target.scopes;
    let granted = scopes.granted.clone().unwrap_or_default();
    let narrower = scopes.narrower.clone().unwrap_or_default();
    let has = |s: &str| granted.split_whitespace().any(|g| g == s);
    let first = questions::first_round(has("openid"), has("offline_access"));
    let mut records = ask(rt, &target, &first, opts, &redactor)?;
    let (rotation, mut lines) = observe::rotation(&records).map_err(|f| {
        let m = format!("the probe stopped: {}", f.message);
        if f.harness {
            ProbeError::Harness(m)
        } else {
            ProbeError::Idp(m)
        }
    })?;
    if rotation == Rotation::Kept {
        lines.extend(search_grace(rt, &target, opts, &redactor, &mut records)?);
    }
    lines.extend(observe::lifetimes(&records, rotation));
    lines.push(observe_grants::scope(&records, &granted, &narrower));
    lines.push(observe_grants::id_token(&records, has("openid")));
    lines.push(observe_grants::offline_access(
        &records,
        has("offline_access"),
    ));
    lines.push(observe_grants::revocation(&records));
    lines.push(observe_grants::client_credentials(&records));
    lines.extend(fixed_lines(rotation));
    let trouble: Vec<String> = records
        .iter()
        .filter_map(|r| read::Answer { record: r }.harness_error())
        .collect();
    let header = header(&target, opts, &records);
    let block = block::render(&lines, &documented, public, &header);
    Ok(Probed {
        block: redactor.redact(&block),
        trouble: trouble.iter().map(|t| redactor.redact(t)).collect(),
    })
}

/// The grace window search: a coarse round, then a fine one in the gap.
fn search_grace(
    rt: &tokio::runtime::Runtime,
    target: &Target,
    opts: &ProbeOptions,
    redactor: &Arc<Redactor>,
    records: &mut Vec<TrialRecord>,
) -> Result<Vec<Line>, ProbeError> {
    let coarse = questions::grace_round(&grace::coarse(opts.max_wait));
    let got = ask(rt, target, &coarse, opts, redactor)?;
    let mut found = grace::read(&got, None);
    records.extend(got);
    if let Some(refused) = found.refused.filter(|r| *r > found.accepted + 1) {
        let fine = grace::fine(found.accepted, refused);
        let got = ask(rt, target, &questions::grace_round(&fine), opts, redactor)?;
        let more = grace::read(&got, Some(&found));
        found.accepted = more.accepted;
        found.refused = more.refused;
        found.errors.extend(more.errors);
        records.extend(got);
    }
    Ok(grace::lines(&found, records, opts.max_wait))
}

/// Keys the probe does not try, with the reason.
fn fixed_lines(rotation: Rotation) -> Vec<Line> {
    let mut out = vec![
        Line::unseen(
            "refresh_token_idle_ttl",
            "not probed: it takes leaving a token unused for the whole idle lifetime",
        ),
        Line::unseen(
            "concurrent_refresh",
            "not probed: races are the catalog's rotation/concurrent-* scenarios",
        ),
    ];
    let no_rotation = "the refresh response carried no new refresh token";
    match rotation {
        Rotation::None => {
            for k in [
                "previous_refresh_token",
                "grace_period",
                "reuse_detection",
                "refresh_token_max_reuse",
            ] {
                out.push(Line::unseen(k, no_rotation));
            }
        }
        Rotation::Reuses(_) => out.push(Line::unseen(
            "grace_period",
            "the previous token was refused once rotated: no window to measure",
        )),
        Rotation::Kept => out.push(Line::unseen(
            "refresh_token_max_reuse",
            format!(
                "the previous token was accepted each of the {} times it was presented again",
                questions::REUSES
            ),
        )),
    }
    out
}

fn header(target: &Target, opts: &ProbeOptions, records: &[TrialRecord]) -> Vec<String> {
    let requests: usize = records.iter().map(|r| r.transcript.len()).sum();
    vec![
        format!(
            "refresh-conformance probe: target `{}`, client `{}`, profile `{}`",
            target.name, opts.client, target.profile.name
        ),
        format!(
            "{} questions, {requests} requests, waits up to {}; no token or secret is shown",
            records.len(),
            humantime::format_duration(opts.max_wait)
        ),
        "Review each line, then paste the block into the target file (one [behaviour] table)."
            .into(),
        "A `#` line could not be seen: the reason follows; uncomment it only if you know it."
            .into(),
    ]
}
