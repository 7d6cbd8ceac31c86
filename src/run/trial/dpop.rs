//! DPoP on a trial's token requests (RFC 9449): a fresh key for each grant
//! of a DPoP client, kept as its token family's key; a proof (or a
//! deliberately wrong one, per the step's `dpop` mode) on every token
//! request of the family; the server's nonce (§8) remembered per server and
//! a `use_dpop_nonce` challenge answered once. Every proof is registered
//! with the trial's redactor before it is sent.

use super::{Stop, Trial};
use crate::judge::Response;
use crate::run::dpop::{ProofClaims, ProofKey};
use crate::run::http::Request;
use crate::scenario::model::DpopMode;
use crate::target::Client;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

/// How far in the past a `stale_iat` proof is dated: far beyond any
/// acceptance window a server keeps for `iat` (§11.1).
const STALE_BY_SECS: i64 = 3600;

#[derive(Default)]
pub(super) struct DpopState {
    /// Grant step → the key its family's tokens are bound to.
    keys: HashMap<String, Arc<ProofKey>>,
    /// Grant step → the last proof sent for the family (for `replay`).
    last_proof: HashMap<String, String>,
    /// The key of the grant being requested, until its family starts.
    pending: Option<Arc<ProofKey>>,
}

impl Trial<'_> {
    /// Before a grant of `client`: a fresh proof key, if it sends DPoP proofs.
    pub(crate) fn dpop_begin_grant(&mut self, client: &Client) -> Result<(), Stop> {
        self.dpop.pending = match client.dpop {
            Some(alg) => Some(Arc::new(ProofKey::generate(alg).map_err(Stop::Error)?)),
            None => None,
        };
        Ok(())
    }

    /// The grant succeeded and started the family `name`: its key is the pending one.
    pub(crate) fn dpop_end_grant(&mut self, name: &str, started: bool) {
        if let (true, Some(k)) = (started, self.dpop.pending.take()) {
            self.dpop.keys.insert(name.to_string(), k);
        }
        self.dpop.pending = None;
    }

    /// A proof by the pending key for `POST` at the token endpoint, for a
    /// grant command to send with its own token request (registered with the
    /// redactor first); `None` when the client sends no proofs. A nonce
    /// already learned from the server goes in; a challenge to the command's
    /// request is the command's to answer.
    pub(crate) fn dpop_grant_proof(&mut self, step: &str) -> Option<String> {
        let key = self.dpop.pending.clone()?;
        let req = Request::post_form(&self.env.target.endpoints.token, Vec::new());
        let proof = self.sign(&key, &req, 0, None);
        self.add_token(&proof, "dpop", step);
        Some(proof)
    }

    /// Send a grant's token request, with a proof by the pending key if any.
    pub(crate) async fn send_grant_request(
        &mut self,
        step: &str,
        mut req: Request,
        scope: Option<String>,
    ) -> Result<Response, Stop> {
        let key = self.dpop.pending.clone();
        if let Some(k) = &key {
            let proof = self.sign(k, &req, 0, None);
            self.attach(step, &mut req, proof);
        }
        self.send_token(step, req, scope, key).await
    }

    /// Send a token request whose proof (if any) `key` signed; a
    /// `use_dpop_nonce` challenge is answered once, with the same request
    /// signed again with the server's nonce (§8).
    pub(crate) async fn send_token(
        &mut self,
        step: &str,
        mut req: Request,
        scope: Option<String>,
        key: Option<Arc<ProofKey>>,
    ) -> Result<Response, Stop> {
        let r = self.send(step, req.clone(), scope.clone()).await?;
        let challenged = self.remember_nonce(&r);
        let Some(k) = key.filter(|_| challenged) else {
            return Ok(r);
        };
        let proof = self.sign(&k, &req, 0, None);
        self.attach(step, &mut req, proof);
        let again = self.send(step, req, scope).await?;
        self.remember_nonce(&again);
        Ok(again)
    }

    /// The proof of a refresh presenting `token` with `mode`. Returns the key
    /// that signed it when it is not the family's (`other_key`), to become the
    /// family's key if the refresh succeeds.
    pub(crate) fn dpop_refresh_proof(
        &mut self,
        step: &str,
        client: &Client,
        token: &str,
        mode: DpopMode,
        req: &mut Request,
    ) -> Result<Option<Arc<ProofKey>>, Stop> {
        let Some(alg) = client.dpop else {
            if mode != DpopMode::Proof {
                return Err(Stop::Skip(format!(
                    "client `{}` sends no DPoP proofs (set `dpop = true` on it)",
                    client.role
                )));
            }
            return Ok(None);
        };
        let family = self.family_of(token);
        let own = family.as_ref().and_then(|f| self.dpop.keys.get(f)).cloned();
        let fresh = || ProofKey::generate(alg).map(Arc::new).map_err(Stop::Error);
        let (key, new_key) = match (mode, own) {
            (DpopMode::OtherKey, _) | (_, None) => {
                let k = fresh()?;
                (k.clone(), Some(k))
            }
            (_, Some(k)) => (k, None),
        };
        let proof = match mode {
            DpopMode::Omit => return Ok(None),
            DpopMode::Replay => family
                .as_ref()
                .and_then(|f| self.dpop.last_proof.get(f))
                .cloned()
                .ok_or_else(|| {
                    Stop::Error(format!(
                        "step `{step}`: no earlier proof of this token family to replay"
                    ))
                })?,
            DpopMode::WrongHtu => {
                let mut other = req.clone();
                other.url.push_str("/elsewhere");
                self.sign(&key, &other, 0, None)
            }
            DpopMode::WrongHtm => self.sign(&key, req, 0, Some("GET")),
            DpopMode::StaleIat => self.sign(&key, req, -STALE_BY_SECS, None),
            DpopMode::NoNonce => self.sign_nonce(&key, req, None),
            DpopMode::BogusNonce => {
                let bogus = format!("never-issued-{:016x}", rand::random::<u64>());
                self.sign_nonce(&key, req, Some(&bogus))
            }
            DpopMode::Proof | DpopMode::OtherKey => self.sign(&key, req, 0, None),
        };
        if let Some(f) = family {
            self.dpop.last_proof.insert(f, proof.clone());
        }
        self.attach(step, req, proof);
        Ok(new_key)
    }

    /// After a refresh answered `r`: a key used by an `other_key` proof that
    /// succeeded is the family's key from now on.
    pub(crate) fn dpop_after_refresh(
        &mut self,
        presented: &str,
        r: &Response,
        key: Option<Arc<ProofKey>>,
    ) {
        self.remember_nonce(r);
        if let (200, Some(k), Some(f)) = (r.status, key, self.family_of(presented)) {
            self.dpop.keys.insert(f, k);
        }
    }

    /// The key of the family `token` belongs to.
    pub(crate) fn dpop_family_key(&self, token: &str) -> Option<Arc<ProofKey>> {
        let f = self.family_of(token)?;
        self.dpop.keys.get(&f).cloned()
    }

    /// The family's key thumbprint (`{{<grant>.dpop_jkt}}`, RFC 7638).
    pub(crate) fn dpop_jkt(&self, grant: &str) -> Option<String> {
        self.dpop.keys.get(grant).map(|k| k.jkt.clone())
    }

    /// Keep the server's `DPoP-Nonce` (§8); true when `r` is the
    /// `use_dpop_nonce` challenge and the request should go again with it.
    pub(crate) fn remember_nonce(&self, r: &Response) -> bool {
        let Some(nonce) = r.header("dpop-nonce") else {
            return false;
        };
        let origin = server_key(&self.env.target.endpoints.token);
        self.env
            .dpop_nonces
            .lock()
            .insert(origin, nonce.to_string());
        matches!(r.status, 400 | 401) && r.field_str("error") == Some("use_dpop_nonce")
    }

    fn sign(&self, key: &ProofKey, req: &Request, shift: i64, htm: Option<&str>) -> String {
        let nonce = self
            .env
            .dpop_nonces
            .lock()
            .get(&server_key(&req.url))
            .cloned();
        key.proof(&ProofClaims {
            htm: htm.unwrap_or(&req.method),
            url: &req.url,
            iat: self.epoch_secs() + shift,
            nonce: nonce.as_deref(),
        })
    }

    /// A correct proof but for its `nonce`, which is `nonce` (`no_nonce`, `bogus_nonce`).
    fn sign_nonce(&self, key: &ProofKey, req: &Request, nonce: Option<&str>) -> String {
        key.proof(&ProofClaims {
            htm: &req.method,
            url: &req.url,
            iat: self.epoch_secs(),
            nonce,
        })
    }

    fn epoch_secs(&self) -> i64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    fn attach(&self, step: &str, req: &mut Request, proof: String) {
        self.add_token(&proof, "dpop", step);
        req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("dpop"));
        req.headers.push(("DPoP".into(), proof));
    }
}

/// Nonces are per server (§8): scheme, host and port of the URL.
fn server_key(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_string())
}
