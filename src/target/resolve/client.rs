//! Turning `[clients.<role>]` into a [`Client`]: its secret, its assertion
//! key (signed with once, so a bad key is an input error), its behaviour and
//! its grant source.

use super::super::model::{ClientFile, SecretRef};
use super::super::{AssertionKey, Client, GrantSource};
use super::Resolver;
use crate::behaviour::BehaviourSet;

impl Resolver<'_> {
    pub(super) fn client(
        &mut self,
        role: &str,
        c: &ClientFile,
        target_grant: Option<&GrantSource>,
    ) -> Option<Client> {
        let who = format!("client `{role}`");
        let n_errors = self.errors.len();
        let secret = c.secret.as_ref().and_then(|r| {
            let s = self.read_secret(r, &who, &["clients", role, "secret"], true);
            let s = self.keep(s)?;
            self.secrets.add(&s, format!("‹secret:{role}›"));
            Some(s)
        });
        let key = c.key.as_ref().and_then(|r| self.assertion_key(role, c, r));
        let behaviour = BehaviourSet::from_table(&c.behaviour).unwrap_or_else(|(k, m)| {
            let e = self.at(&["clients", role, "behaviour", &k], &m);
            self.errors.push(e);
            BehaviourSet::default()
        });
        let grant = match &c.grant {
            Some(g) => self.grant(g, &who, &["clients", role, "grant"], role),
            None => target_grant.cloned(),
        };
        if self.errors.len() > n_errors {
            return None;
        }
        Some(Client {
            role: role.to_string(),
            id: c.id.clone(),
            auth: c.auth,
            secret,
            key,
            refresh_params: c.refresh_params.clone(),
            grant,
            behaviour,
            dpop: c.dpop.then(|| {
                c.dpop_alg
                    .as_deref()
                    .and_then(super::super::DpopAlg::parse)
                    .unwrap_or(super::super::DpopAlg::Es256)
            }),
        })
    }

    /// The client's private key for RFC 7523 assertions, with its algorithm
    /// (stated, or read off the key), proven able to sign.
    fn assertion_key(&mut self, role: &str, c: &ClientFile, r: &SecretRef) -> Option<AssertionKey> {
        let who = format!("client `{role}`");
        let at = ["clients", role, "key"];
        let pem = self.read_secret(r, &who, &at, false);
        let pem = self.keep(pem)?;
        self.secrets.add(&pem, format!("‹key:{role}›"));
        let source = self.source_of(r);
        let alg = match &c.alg {
            Some(a) => Some(a.clone()),
            None => crate::target::assertion::infer_alg(&pem).map(str::to_string),
        };
        let Some(alg) = alg else {
            let e = self.at(&at, &format!("{who}: the key from {source} is neither an RSA (RS256) nor a P-256 (ES256) private key in PEM"));
            self.errors.push(e);
            return None;
        };
        let key = AssertionKey {
            pem,
            alg: alg.clone(),
            kid: c.kid.clone(),
            audience: c.audience.clone(),
        };
        // Sign once now, so a bad key is an input error and not a failed trial.
        match crate::target::assertion::client_assertion(
            &key,
            &c.id,
            "https://check.invalid/",
            std::time::SystemTime::now(),
        ) {
            Ok(_) => Some(key),
            Err(e) => {
                let e = self.at(
                    &at,
                    &format!("{who}: the key from {source} cannot sign {alg}: {e}"),
                );
                self.errors.push(e);
                None
            }
        }
    }
}
