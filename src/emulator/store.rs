//! Token state. Tokens live in a sharded map (no global lock on the hot path);
//! each token's mutable state sits behind its own small mutex so that
//! check-then-consume of one refresh token is atomic, and each family (one
//! original grant and everything refreshed from it) carries its own virtual
//! clock and revocation flags.
//!
//! Memory stays flat under sustained refreshes: each family remembers a
//! bounded history of its tokens (`history.rs` says why a history rather
//! than per-family generation watermarks) and the store forgets a token that
//! falls out of it; tokens dead by expiry or revocation in families nobody
//! has touched for a while are swept a shard at a time (`prune.rs`).

use super::clock::real_now_ms;
use super::history::{Entry, History};
use super::registry::{Client, User};
use super::scope::Scope;
use super::wire::TokenBody;
use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// One original grant and every token refreshed from it.
pub(crate) struct Family {
    pub client: Arc<Client>,
    /// None for client_credentials grants.
    pub user: Option<Arc<User>>,
    /// Virtual clock: this family's now = real now + offset.
    offset_ms: AtomicI64,
    /// Reuse detection or RFC 7009 revocation of a refresh token.
    pub refresh_revoked: AtomicBool,
    pub access_revoked: AtomicBool,
    /// Original authentication, seconds (id_token `auth_time`).
    pub auth_time: i64,
    /// The authorize step's (or password grant's) nonce; original id_token only.
    pub nonce: Option<String>,
    /// `iat` of the original id_token, seconds (for the `id-token-iat-stale` defect).
    pub original_iat: i64,
    /// The latest access token value (for the `same-access-token` defect).
    pub last_access: Mutex<Option<Arc<str>>>,
    /// Its newest tokens; older ones are forgotten (`history.rs`).
    history: Mutex<History<Token>>,
    /// Real time (ms) any of its tokens was last looked up or issued.
    touched_ms: AtomicI64,
    /// The newest refresh token generation minted (the grant's is 0).
    newest_generation: AtomicU64,
}

impl Family {
    pub fn new(
        client: Arc<Client>,
        user: Option<Arc<User>>,
        auth_time: i64,
        nonce: Option<String>,
    ) -> Family {
        Family {
            client,
            user,
            offset_ms: AtomicI64::new(0),
            refresh_revoked: AtomicBool::new(false),
            access_revoked: AtomicBool::new(false),
            auth_time,
            nonce,
            original_iat: super::clock::secs(real_now_ms()),
            last_access: Mutex::new(None),
            history: Mutex::new(History::default()),
            touched_ms: AtomicI64::new(real_now_ms()),
            newest_generation: AtomicU64::new(0),
        }
    }

    /// Real time (ms) any of its tokens was last looked up or issued.
    pub(crate) fn touched_ms(&self) -> i64 {
        self.touched_ms.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    pub(crate) fn touch_at(&self, real_ms: i64) {
        self.touched_ms.store(real_ms, Ordering::Relaxed);
    }

    pub(crate) fn now_ms(&self) -> i64 {
        real_now_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    pub(crate) fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Reuse detection: every refresh and access token of the family dies.
    pub(crate) fn revoke_all(&self) {
        self.refresh_revoked.store(true, Ordering::SeqCst);
        self.access_revoked.store(true, Ordering::SeqCst);
    }

    /// A refresh token of `generation` was minted.
    pub(crate) fn note_generation(&self, generation: u64) {
        self.newest_generation
            .fetch_max(generation, Ordering::SeqCst);
    }

    /// Is `generation` older than the newest one's immediate predecessor?
    /// Only that predecessor may keep a grace window (django-oauth-toolkit #1617).
    pub(crate) fn superseded_twice(&self, generation: u64) -> bool {
        generation.saturating_add(1) < self.newest_generation.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Access,
    Refresh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Active,
    /// A newer refresh token was issued at this family time (ms).
    Rotated {
        at: i64,
    },
    Revoked,
}

#[derive(Debug)]
pub(crate) struct TokenState {
    pub status: Status,
    /// Family time of the last successful use (idle expiry).
    pub last_used: i64,
    /// The response its rotation answered, kept where `concurrent_refresh =
    /// same_successor` answers requests racing that rotation with it.
    pub successor: Option<Arc<TokenBody>>,
    /// Successful refreshes with this token (`refresh_token_max_reuse`).
    pub uses: u64,
    /// The DPoP key thumbprint it is bound to (RFC 9449 §5; `dpop.rs`).
    pub jkt: Option<Arc<str>>,
}

pub(crate) struct Token {
    pub kind: Kind,
    pub family: Arc<Family>,
    pub scope: Scope,
    /// Family time, ms.
    pub issued_at: i64,
    /// Family time, ms; None = no limit.
    pub expires_at: Option<i64>,
    /// Refresh tokens: rotations since the grant (0 for the grant's own).
    pub generation: u64,
    pub state: Mutex<TokenState>,
}

impl Token {
    pub fn new(
        kind: Kind,
        family: Arc<Family>,
        scope: Scope,
        issued_at: i64,
        expires_at: Option<i64>,
    ) -> Token {
        Token {
            kind,
            family,
            scope,
            issued_at,
            expires_at,
            generation: 0,
            state: Mutex::new(TokenState {
                status: Status::Active,
                last_used: issued_at,
                successor: None,
                uses: 0,
                jkt: None,
            }),
        }
    }
}

const SHARDS: usize = 64;

/// A sweep of one shard every this many tokens issued: each shard is swept
/// once every `SHARDS` × this many, so the sweeping costs O(1) per token.
const SWEEP_EVERY: usize = 1024;

type Shard = RwLock<HashMap<Arc<str>, Arc<Token>>>;

/// Every token the emulator remembers, by value.
pub(crate) struct Store {
    shards: Box<[Shard]>,
    hasher: RandomState,
    issued: AtomicUsize,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
            issued: AtomicUsize::new(0),
        }
    }
}

impl Store {
    fn shard(&self, value: &str) -> &Shard {
        &self.shards[(self.hasher.hash_one(value) as usize) % SHARDS]
    }

    /// The token with this value; its family counts as touched now.
    pub(crate) fn get(&self, value: &str) -> Option<Arc<Token>> {
        let token = self.shard(value).read().get(value).cloned()?;
        token
            .family
            .touched_ms
            .store(real_now_ms(), Ordering::Relaxed);
        Some(token)
    }

    /// Store a new token in its family's history; the token that falls out
    /// of that history is forgotten. Returns the shard due for a sweep, if any.
    pub(crate) fn insert(&self, value: &str, token: Arc<Token>) -> Option<usize> {
        let value: Arc<str> = value.into();
        let family = &token.family;
        family.touched_ms.store(real_now_ms(), Ordering::Relaxed);
        let out = family
            .history
            .lock()
            .push(token.kind == Kind::Refresh, value.clone(), &token);
        self.shard(&value).write().insert(value, token);
        if let Some(entry) = out {
            self.forget(&entry);
        }
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        (n % SWEEP_EVERY == SWEEP_EVERY - 1).then_some((n / SWEEP_EVERY) % SHARDS)
    }

    /// A refresh token used successfully becomes its family's newest.
    pub(crate) fn touch(&self, token: &Arc<Token>) {
        token.family.history.lock().touch(token);
    }

    /// Remove a token unless its value now names another token.
    fn forget(&self, entry: &Entry<Token>) {
        let mut shard = self.shard(&entry.value).write();
        if shard.get(&entry.value).is_some_and(|t| entry.is(t)) {
            shard.remove(&entry.value);
        }
    }

    /// Forget every token of one shard that `dead` says can never be used again.
    pub(crate) fn sweep(&self, shard: usize, dead: impl Fn(&Token) -> bool) {
        self.shards[shard % SHARDS].write().retain(|_, t| !dead(t));
    }

    /// How many tokens are remembered (`/_emulator/stats`).
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.read().len()).sum()
    }

    /// Every family of `client_id` and the user `sub` (a scan: only the
    /// `reuse-revokes-session-families` defect asks).
    pub(crate) fn families_of(&self, client_id: &str, sub: &str) -> Vec<Arc<Family>> {
        let mut out: Vec<Arc<Family>> = Vec::new();
        for shard in self.shards.iter() {
            for t in shard.read().values() {
                let f = &t.family;
                let same_user = f.user.as_ref().is_some_and(|u| u.sub == sub);
                if same_user && f.client.id() == client_id && !out.iter().any(|o| Arc::ptr_eq(o, f))
                {
                    out.push(f.clone());
                }
            }
        }
        out
    }
}
