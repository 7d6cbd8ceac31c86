//! Injectable defects: each breaks exactly one documented behaviour so the
//! catalog's checks can be proven able to fail. A defect is a unit struct in
//! its own file implementing [`Defect`]; the token service calls the hooks at
//! its decision points and every hook defaults to "no change". Adding a defect
//! is one new file plus one line in [`REGISTRY`].

use super::behaviour::Behaviour;
use super::error::OAuthError;
use super::wire::{IdTokenClaims, TokenBody};
use axum::http::HeaderMap;

mod access_expiry_ignored;
mod cross_client_refresh;
mod cross_client_revocation;
mod errors_with_status_200;
mod expires_in_millis;
mod expires_in_string;
mod garbage_token_wrong_error;
mod get_accepted;
mod grace_never_closes;
mod html_error_bodies;
mod id_token_aud_changes;
mod id_token_auth_time_changes;
mod id_token_bad_signature;
mod id_token_iat_stale;
mod id_token_iss_changes;
mod id_token_nonce_changed;
mod id_token_nonce_on_refresh;
mod id_token_sub_changes;
mod idle_expiry_ignored;
mod missing_token_wrong_error;
mod narrowed_scope_ignored;
mod no_cache_control;
mod no_client_auth;
mod no_grace;
mod no_new_refresh_token;
mod no_pragma;
mod no_reuse_detection;
mod omitted_scope_narrowed;
mod previous_token_valid;
mod public_client_refused;
mod query_credentials_accepted;
mod race_double_spend;
mod refresh_expiry_ignored;
mod repeated_param_accepted;
mod revocation_ignored;
mod revocation_keeps_access_tokens;
mod rotated_expiry_flipped;
mod rotated_token_introspects_active;
mod rotated_token_narrowed;
mod rt_for_client_credentials;
mod rt_without_offline_access;
mod same_access_token;
mod scope_order_sensitive;
mod short_tokens;
mod two_auth_methods_accepted;
mod unknown_param_rejected;
mod unregistered_error_code;
mod unrotated_token_dies;
mod unsupported_grant_wrong_error;
mod widened_scope_accepted;
mod widened_scope_wrong_error;
mod wrong_basic_challenge;
mod wrong_content_type;
mod wrong_token_type;

/// A documented rule a defect can switch off (or a wrong rule it switches on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quirk {
    RejectUnknownParams,
    AcceptRepeatedParams,
    AcceptGet,
    AcceptQueryCredentials,
    AcceptTwoAuthMethods,
    /// Confidential client without credentials accepted on refresh.
    SkipClientAuthOnRefresh,
    RefusePublicClientRefresh,
    SkipClientBindingOnRefresh,
    AcceptWidenedScope,
    ScopeOrderSensitive,
    /// The rotated refresh token takes the narrowed scope.
    RotatedTokenTakesNarrowedScope,
    UnrotatedTokenDies,
    /// Check and consume of a refresh token in two separate steps.
    NonAtomicRefresh,
    SameAccessToken,
    IgnoreAbsoluteExpiry,
    IgnoreIdleExpiry,
    IgnoreAccessExpiry,
    IgnoreRevocation,
    SkipClientBindingOnRevocation,
    RotatedTokensIntrospectActive,
    CorruptRefreshedIdTokenSignature,
}

pub(crate) trait Defect: Send + Sync {
    fn name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// Rewrite a client's resolved behaviour (at start).
    fn behaviour(&self, _b: &mut Behaviour) {}
    fn quirk(&self, _q: Quirk) -> bool {
        false
    }
    /// Replace a freshly minted token value.
    fn token_value(&self) -> Option<String> {
        None
    }
    /// Rewrite a successful token response body.
    fn success_body(&self, _body: &mut TokenBody) {}
    /// Rewrite the token endpoint's response headers; `success` is a 200 with tokens.
    fn headers(&self, _h: &mut HeaderMap, _success: bool) {}
    /// Rewrite a token endpoint error.
    fn error(&self, _e: &mut OAuthError) {}
    /// The scope a refresh gets when it omits `scope` (the token's, by default).
    fn omitted_scope(&self, _scope: &mut Vec<String>) {}
    /// Rewrite a refreshed id_token's claims; `original_nonce` is the grant's.
    fn refreshed_id_token(
        &self,
        _claims: &mut IdTokenClaims,
        _original_nonce: Option<&str>,
        _original_iat: i64,
    ) {
    }
}

/// Every known defect, one line each.
static REGISTRY: &[&dyn Defect] = &[
    // issuance
    &rt_without_offline_access::D,
    &rt_for_client_credentials::D,
    &no_cache_control::D,
    &no_pragma::D,
    &expires_in_string::D,
    &expires_in_millis::D,
    &wrong_token_type::D,
    &short_tokens::D,
    &wrong_content_type::D,
    &same_access_token::D,
    // refresh and scope
    &unknown_param_rejected::D,
    &widened_scope_accepted::D,
    &widened_scope_wrong_error::D,
    &omitted_scope_narrowed::D,
    &narrowed_scope_ignored::D,
    &rotated_token_narrowed::D,
    &scope_order_sensitive::D,
    // rotation
    &previous_token_valid::D,
    &no_new_refresh_token::D,
    &grace_never_closes::D,
    &no_grace::D,
    &no_reuse_detection::D,
    &unrotated_token_dies::D,
    &race_double_spend::D,
    // expiry
    &refresh_expiry_ignored::D,
    &idle_expiry_ignored::D,
    &access_expiry_ignored::D,
    &rotated_expiry_flipped::D,
    // client binding and authentication
    &cross_client_refresh::D,
    &no_client_auth::D,
    &wrong_basic_challenge::D,
    &public_client_refused::D,
    &query_credentials_accepted::D,
    &two_auth_methods_accepted::D,
    // revocation and introspection
    &revocation_ignored::D,
    &revocation_keeps_access_tokens::D,
    &cross_client_revocation::D,
    &rotated_token_introspects_active::D,
    // errors
    &errors_with_status_200::D,
    &html_error_bodies::D,
    &missing_token_wrong_error::D,
    &garbage_token_wrong_error::D,
    &unsupported_grant_wrong_error::D,
    &repeated_param_accepted::D,
    &get_accepted::D,
    &unregistered_error_code::D,
    // oidc
    &id_token_sub_changes::D,
    &id_token_nonce_on_refresh::D,
    &id_token_nonce_changed::D,
    &id_token_bad_signature::D,
    &id_token_iat_stale::D,
    &id_token_auth_time_changes::D,
    &id_token_aud_changes::D,
    &id_token_iss_changes::D,
];

/// (name, description) of every defect, in catalog order.
pub(crate) fn catalog() -> Vec<(&'static str, &'static str)> {
    REGISTRY
        .iter()
        .map(|d| (d.name(), d.description()))
        .collect()
}

/// The defects one emulator runs with.
#[derive(Default)]
pub(crate) struct Defects {
    active: Vec<&'static dyn Defect>,
}

impl Defects {
    /// Look up `names`; an unknown name is an error listing the known ones.
    pub(crate) fn select(names: &[String]) -> anyhow::Result<Defects> {
        let mut active: Vec<&'static dyn Defect> = Vec::new();
        for name in names {
            let d = REGISTRY.iter().find(|d| d.name() == name).ok_or_else(|| {
                let known: Vec<&str> = REGISTRY.iter().map(|d| d.name()).collect();
                anyhow::anyhow!("unknown defect `{name}` (known: {})", known.join(", "))
            })?;
            if !active.iter().any(|a| a.name() == d.name()) {
                active.push(*d);
            }
        }
        Ok(Defects { active })
    }

    pub(crate) fn quirk(&self, q: Quirk) -> bool {
        self.active.iter().any(|d| d.quirk(q))
    }

    pub(crate) fn behaviour(&self, b: &mut Behaviour) {
        self.active.iter().for_each(|d| d.behaviour(b));
    }

    pub(crate) fn token_value(&self) -> Option<String> {
        self.active.iter().find_map(|d| d.token_value())
    }

    pub(crate) fn success_body(&self, body: &mut TokenBody) {
        self.active.iter().for_each(|d| d.success_body(body));
    }

    pub(crate) fn headers(&self, h: &mut HeaderMap, success: bool) {
        self.active.iter().for_each(|d| d.headers(h, success));
    }

    pub(crate) fn error(&self, e: &mut OAuthError) {
        self.active.iter().for_each(|d| d.error(e));
    }

    pub(crate) fn omitted_scope(&self, scope: &mut Vec<String>) {
        self.active.iter().for_each(|d| d.omitted_scope(scope));
    }

    pub(crate) fn refreshed_id_token(
        &self,
        claims: &mut IdTokenClaims,
        nonce: Option<&str>,
        iat: i64,
    ) {
        self.active
            .iter()
            .for_each(|d| d.refreshed_id_token(claims, nonce, iat));
    }
}
