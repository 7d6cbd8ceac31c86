//! What every trial against one target shares: the target, its HTTP client,
//! the run's redactor, the permit pool and the run options.

use super::http::Http;
use super::permits::Permits;
use crate::redact::Redactor;
use crate::target::Target;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Warnings count as failures.
    pub strict: bool,
    /// Live waits longer than this are skipped.
    pub max_wait: Duration,
    /// Added to expiry waits marked `skew = true`.
    pub clock_skew: Duration,
    /// A trial that takes longer is an error.
    pub trial_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            strict: false,
            max_wait: Duration::from_secs(300),
            clock_skew: Duration::from_secs(5),
            trial_timeout: Duration::from_secs(600),
        }
    }
}

pub struct RunEnv {
    pub target: Arc<Target>,
    pub http: Arc<Http>,
    pub redactor: Arc<Redactor>,
    /// Bounds trials that are in the middle of HTTP; a waiting trial holds none.
    pub permits: Arc<Permits>,
    pub opts: RunOptions,
    /// The target's JWKS, fetched once when an id_token signature is checked.
    pub jwks: OnceCell<Result<jsonwebtoken::jwk::JwkSet, String>>,
    /// refresh_token_env sources: variable → current token.
    pub seeds: parking_lot::Mutex<std::collections::HashMap<String, String>>,
    /// Client role → its preflight, run once by the first trial using the client.
    pub preflight: std::collections::HashMap<String, OnceCell<Preflight>>,
    /// Client role → the scenario holding its non-repeatable grant source
    /// (a seed token serves one token family, so one trial per run).
    pub grant_claims: parking_lot::Mutex<std::collections::HashMap<String, String>>,
    /// Set by the runner: after an interrupt, a trial that has not sent anything does not start.
    pub cancel: super::interrupt::Cancel,
    /// The run's live waits (set by the runner; on its own, shown on stderr).
    pub waits: Arc<super::waits::Waits>,
    /// Server origin → the last `DPoP-Nonce` it sent (RFC 9449 §8).
    pub dpop_nonces: parking_lot::Mutex<std::collections::HashMap<String, String>>,
}

impl RunEnv {
    pub fn new(
        target: Target,
        redactor: Arc<Redactor>,
        permits: Arc<Permits>,
        opts: RunOptions,
    ) -> Result<RunEnv, String> {
        for (value, label) in &target.secrets {
            redactor.add_secret(value, label);
        }
        for c in target.clients.values() {
            if let Some(s) = &c.secret {
                redactor.add_basic(&c.id, s, &format!("‹basic:{}›", c.role));
            }
        }
        let http = Http::for_target(&target)?;
        let preflight = target
            .clients
            .keys()
            .map(|role| (role.clone(), OnceCell::new()))
            .collect();
        Ok(RunEnv {
            target: Arc::new(target),
            http: Arc::new(http),
            redactor,
            permits,
            opts,
            jwks: OnceCell::new(),
            seeds: Default::default(),
            preflight,
            grant_claims: Default::default(),
            cancel: super::interrupt::Cancel::never(),
            waits: super::waits::Waits::new(Arc::new(super::progress::Stderr)),
            dpop_nonces: Default::default(),
        })
    }
}

impl RunEnv {
    /// The current seed refresh token of a `refresh_token_env` source: rotation
    /// replaces it, so later trials present the newest token.
    pub(crate) fn seed_token(&self, var: &str, initial: &str) -> String {
        self.seeds
            .lock()
            .entry(var.to_string())
            .or_insert_with(|| initial.to_string())
            .clone()
    }
    /// Claim `role`'s non-repeatable grant source for `scenario`; Err names
    /// the scenario already holding it (a second grant in the same trial
    /// needs a second family too, so it is refused as well).
    pub(crate) fn claim_grant(&self, role: &str, scenario: &str) -> Result<(), String> {
        let mut claims = self.grant_claims.lock();
        match claims.get(role) {
            Some(holder) => Err(holder.clone()),
            None => {
                claims.insert(role.to_string(), scenario.to_string());
                Ok(())
            }
        }
    }
    pub(crate) fn update_seed(&self, old: &str, new: &str) {
        for v in self.seeds.lock().values_mut() {
            if v == old {
                *v = new.to_string();
            }
        }
    }
}

/// What the preflight of one client found.
#[derive(Debug, Clone, Default)]
pub struct Preflight {
    /// The error of the trial that ran it when the client cannot
    /// authenticate; None when it works.
    pub error: Option<String>,
    /// The trial that ran it (`<target>/<scenario-id>`): the one error; the
    /// other trials using the client are not run and name it.
    pub owner: String,
    /// The preflight's redacted exchanges (kept for the error's transcript).
    pub exchanges: Vec<crate::record::Exchange>,
}
