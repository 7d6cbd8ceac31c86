//! Minting tokens into the store.

use super::app::App;
use super::scope::Scope;
use super::store::{Family, Kind, Token};
use std::sync::Arc;

pub(crate) fn access_token(app: &App, family: &Arc<Family>, scope: Scope, now: i64) -> String {
    let value = app.mint();
    let ttl = family.client.behaviour.access_ttl_ms;
    let token = Token::new(Kind::Access, family.clone(), scope, now, Some(now + ttl));
    store(app, &value, token);
    *family.last_access.lock() = Some(value.as_str().into());
    value
}

pub(crate) fn refresh_token(
    app: &App,
    family: &Arc<Family>,
    scope: Scope,
    now: i64,
    expires_at: Option<i64>,
    generation: u64,
) -> String {
    let value = app.mint();
    let mut token = Token::new(Kind::Refresh, family.clone(), scope, now, expires_at);
    token.generation = generation;
    store(app, &value, token);
    family.note_generation(generation);
    value
}

/// Into the store, sweeping a shard of dead tokens when one is due.
fn store(app: &App, value: &str, token: Token) {
    let due = app.store.insert(value, Arc::new(token));
    super::prune::tick(app, due);
}
