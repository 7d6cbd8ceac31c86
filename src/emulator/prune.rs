//! Forgetting tokens that can never be used again: dead by expiry (on their
//! family's clock) or by revocation, in families nobody has touched for
//! `HOLD_MS` of real time. Swept one shard at a time as tokens are issued
//! (`Store::insert` says when), so no request waits on a whole-store scan.
//!
//! The hold keeps every verdict as it was: within a trial, the request after
//! a virtual wait still finds its expired token and answers "expired" (and
//! authenticates a client assertion on that family's clock), and defects
//! that answer an expired or revoked token differently from an unknown one
//! still do. A token forgotten after the hold is unknown: refused with
//! `invalid_grant`, introspected inactive, like the dead token it was.
//! Tokens the defects keep alive past expiry are never forgotten by expiry.

use super::app::App;
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::store::{Kind, Status, Token};
use std::sync::atomic::Ordering;

/// Real time a family must go untouched before its dead tokens are forgotten.
pub(crate) const HOLD_MS: i64 = 10 * 60 * 1000;

/// Sweep the shard `Store::insert` named as due, if it named one.
pub(crate) fn tick(app: &App, due: Option<usize>) {
    if let Some(shard) = due {
        let now = real_now_ms();
        app.store.sweep(shard, |t| forgettable(app, t, now));
    }
}

/// Can this token never be used again, and has its family been left alone
/// for the hold? Runs under a shard's write lock: a token whose state is
/// locked (a refresh in progress) is kept, never waited for.
pub(crate) fn forgettable(app: &App, t: &Token, real_now: i64) -> bool {
    let family = &t.family;
    if real_now - family.touched_ms() < HOLD_MS {
        return false;
    }
    let Some(state) = t.state.try_lock() else {
        return false;
    };
    let now = family.now_ms();
    let b = &family.client.behaviour;
    let expired = |quirk| t.expires_at.is_some_and(|e| now >= e) && !app.defects.quirk(quirk);
    match t.kind {
        Kind::Access => {
            family.access_revoked.load(Ordering::SeqCst)
                || state.status == Status::Revoked
                || expired(Quirk::IgnoreAccessExpiry)
        }
        Kind::Refresh => {
            family.refresh_revoked.load(Ordering::SeqCst)
                || state.status == Status::Revoked
                || expired(Quirk::IgnoreAbsoluteExpiry)
                || (b
                    .idle_ttl_ms
                    .is_some_and(|idle| now - state.last_used >= idle)
                    && !app.defects.quirk(Quirk::IgnoreIdleExpiry))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{forgettable, tick, HOLD_MS};
    use crate::emulator::app::App;
    use crate::emulator::clock::real_now_ms;
    use crate::emulator::defects::Defects;
    use crate::emulator::store::{Family, Kind, Token};
    use crate::emulator::{default_clients, EmulatorConfig};
    use std::sync::Arc;

    fn app(defects: &[&str]) -> App {
        let config = EmulatorConfig {
            profile: crate::behaviour::builtin_profile("okta").unwrap(),
            clients: default_clients(),
            users: vec![],
            defects: vec![],
            token_bytes: None,
        };
        let names: Vec<String> = defects.iter().map(|d| d.to_string()).collect();
        App::new(
            &config,
            "http://127.0.0.1:1",
            Defects::select(&names).unwrap(),
        )
        .unwrap()
    }

    /// An access token of a new family, expiring `ttl_ms` after now.
    fn access_token(app: &App, ttl_ms: i64) -> Arc<Token> {
        let family = Arc::new(Family::new(app.client("main").unwrap(), None, 0, None));
        let now = family.now_ms();
        let scope = Vec::<String>::new().into();
        Arc::new(Token::new(
            Kind::Access,
            family,
            scope,
            now,
            Some(now + ttl_ms),
        ))
    }

    #[test]
    fn an_expired_token_is_forgotten_only_after_its_family_is_left_alone_for_the_hold() {
        let app = app(&[]);
        let t = access_token(&app, 1000);
        let now = real_now_ms();
        assert!(!forgettable(&app, &t, now + HOLD_MS), "alive");
        t.family.advance(2000);
        assert!(
            !forgettable(&app, &t, now),
            "expired, but its family was just touched"
        );
        assert!(forgettable(&app, &t, now + HOLD_MS + 1));
        let _busy = t.state.lock();
        assert!(
            !forgettable(&app, &t, now + HOLD_MS + 1),
            "a locked token is kept"
        );
    }

    #[test]
    fn a_token_a_defect_keeps_alive_past_expiry_is_never_forgotten_by_expiry() {
        let app = app(&["access-expiry-ignored"]);
        let t = access_token(&app, 1000);
        t.family.advance(2000);
        assert!(!forgettable(&app, &t, real_now_ms() + HOLD_MS + 1));
    }

    #[test]
    fn a_sweep_removes_only_the_dead_tokens_of_its_shard() {
        let app = app(&[]);
        let (dead, alive) = (access_token(&app, 1000), access_token(&app, 3_600_000));
        dead.family.advance(2000);
        app.store.insert("dead", dead.clone());
        app.store.insert("alive", alive);
        // As if the hold had passed: both families last touched long ago.
        for t in [&dead, &app.store.get("alive").unwrap()] {
            t.family.touch_at(real_now_ms() - HOLD_MS - 1);
        }
        (0..64).for_each(|shard| tick(&app, Some(shard)));
        assert!(app.store.get("dead").is_none());
        assert!(app.store.get("alive").is_some());
    }
}
