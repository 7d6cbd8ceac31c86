//! Injectable defects: each breaks exactly one documented behaviour so the
//! catalog's checks can be proven able to fail. A defect is a unit struct in
//! its own file implementing [`Defect`]; the token service calls the hooks at
//! its decision points and every hook defaults to "no change". Adding a defect
//! is one new file plus one line in `registry!` below.

use super::behaviour::Behaviour;
use super::error::OAuthError;
use super::wire::{IdTokenClaims, TokenBody};
use axum::http::HeaderMap;

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
    /// DPoP (RFC 9449): each switches off one check of `dpop.rs`.
    DpopProofNotRequired,
    DpopAnyKey,
    DpopHtuIgnored,
    DpopHtmIgnored,
    DpopIatUnchecked,
    DpopJtiReplayed,
    DpopAccessTokenUnbound,
    DpopConfidentialBound,
    DpopNonceIgnored,
    DpopNonceOptional,
    AcceptWidenedScope,
    ScopeOrderSensitive,
    /// The rotated refresh token takes the narrowed scope.
    RotatedTokenTakesNarrowedScope,
    UnrotatedTokenDies,
    /// Check and consume of a refresh token in two separate steps.
    NonAtomicRefresh,
    /// A rotating refresh consumes the presented token but sends no new one.
    WithholdRotatedRefreshToken,
    SameAccessToken,
    IgnoreAbsoluteExpiry,
    IgnoreIdleExpiry,
    IgnoreAccessExpiry,
    IgnoreRevocation,
    SkipClientBindingOnRevocation,
    RotatedTokensIntrospectActive,
    CorruptRefreshedIdTokenSignature,
    /// An access token is taken where a refresh token is expected.
    AcceptAccessTokenAsRefresh,
    /// A retry inside the grace window is handed an already revoked successor.
    GraceRetryRevokedSuccessor,
    /// Every earlier generation keeps its grace window, not just the newest's predecessor.
    GraceForEveryGeneration,
    /// Reuse detection revokes every family of the user and client from the
    /// same sign-in (its authorization request's nonce).
    ReuseRevokesSessionFamilies,
    /// An explicit scope equal to the original loses offline_access.
    ExplicitScopeDropsOffline,
    /// Revoking an unknown or already revoked token is an error.
    RefuseRevokingDeadTokens,
    SkipClientAuthOnRevocation,
    SkipClientAuthOnIntrospection,
    /// An authorization code can be exchanged more than once.
    AcceptCodeReuse,
    /// A reused authorization code is refused, its tokens left alive.
    CodeReuseKeepsTokens,
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

/// Declares each defect's module and registers it: one line per defect, in
/// catalog order (the order `--list-defects` and the defect matrix use).
macro_rules! registry {
    ($($defect:ident,)*) => {
        $(mod $defect;)*
        /// Every known defect.
        static REGISTRY: &[&dyn Defect] = &[$(&$defect::D),*];
    };
}

registry! {
    // issuance
    rt_without_offline_access,
    rt_for_client_credentials,
    no_cache_control,
    no_pragma,
    expires_in_string,
    expires_in_millis,
    wrong_token_type,
    short_tokens,
    wrong_content_type,
    same_access_token,
    // refresh and scope
    unknown_param_rejected,
    widened_scope_accepted,
    widened_scope_wrong_error,
    omitted_scope_narrowed,
    narrowed_scope_ignored,
    rotated_token_narrowed,
    scope_order_sensitive,
    explicit_scope_drops_offline_access,
    // rotation
    previous_token_valid,
    no_new_refresh_token,
    rotated_token_withheld,
    grace_never_closes,
    no_grace,
    no_reuse_detection,
    unrotated_token_dies,
    race_double_spend,
    reuse_limit_ignored, no_reuse_allowance,
    grace_retry_revoked_successor,
    grace_for_every_generation,
    reuse_keeps_access_tokens,
    reuse_revokes_session_families,
    // expiry
    refresh_expiry_ignored,
    idle_expiry_ignored,
    access_expiry_ignored,
    rotated_expiry_flipped,
    // client binding and authentication
    cross_client_refresh,
    no_client_auth,
    wrong_basic_challenge,
    public_client_refused,
    query_credentials_accepted,
    two_auth_methods_accepted,
    code_reuse_accepted,
    code_reuse_keeps_tokens,
    // revocation and introspection
    revocation_ignored,
    revocation_keeps_access_tokens,
    cross_client_revocation,
    rotated_token_introspects_active,
    revoking_dead_token_refused,
    revocation_without_client_auth,
    introspection_without_client_auth,
    // errors
    errors_with_status_200,
    html_error_bodies,
    missing_token_wrong_error,
    garbage_token_wrong_error,
    unsupported_grant_wrong_error,
    repeated_param_accepted,
    get_accepted,
    unregistered_error_code,
    access_token_as_refresh_token,
    wrong_password_invalid_request,
    // oidc
    id_token_sub_changes,
    id_token_nonce_on_refresh,
    id_token_nonce_changed,
    id_token_bad_signature,
    id_token_iat_stale,
    id_token_auth_time_changes,
    id_token_aud_changes,
    id_token_iss_changes,
    id_token_azp_changes,
    id_token_at_hash_wrong,
    // dpop
    dpop_proof_not_required,
    dpop_any_key,
    dpop_htu_ignored,
    dpop_htm_ignored,
    dpop_stale_iat,
    dpop_jti_replay,
    dpop_access_token_unbound,
    dpop_confidential_bound,
    dpop_nonce_ignored,
    dpop_nonce_optional,
    dpop_proof_error_invalid_request,
}

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
