//! `application/x-www-form-urlencoded` parameters the way RFC 6749 §3.2 wants
//! them read: empty values count as omitted, a repeated parameter is an error,
//! unknown parameters are ignored (each endpoint only asks for what it knows).

use super::error::{Cause, OAuthError};

/// Parameters a request may carry (a token request needs about ten).
pub(crate) const MAX_PARAMS: usize = 400;

#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    /// Client credentials were taken from the query string (only under the
    /// `query-credentials-accepted` defect): any secret method is accepted.
    pub query_credentials: bool,
}

impl Params {
    /// Parse a form or query string. `allow_repeats` is for the
    /// `repeated-param-accepted` defect: the first occurrence wins.
    ///
    /// Linear in the input (a set of seen names, not a scan per pair), and at
    /// most [`MAX_PARAMS`] parameters: a form with thousands of them is an
    /// abusive client, refused before it costs anything.
    pub fn parse(raw: &[u8], allow_repeats: bool) -> Result<Params, OAuthError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (n, (k, v)) in url::form_urlencoded::parse(raw).enumerate() {
            if n >= MAX_PARAMS {
                return Err(OAuthError::invalid_request(
                    Cause::Malformed,
                    format!("more than {MAX_PARAMS} parameters"),
                ));
            }
            if v.is_empty() {
                continue;
            }
            if !seen.insert(k.clone()) {
                if allow_repeats {
                    continue;
                }
                return Err(OAuthError::invalid_request(
                    Cause::RepeatedParam,
                    format!("parameter `{k}` is repeated (RFC 6749 §3.2)"),
                ));
            }
            pairs.push((k.into_owned(), v.into_owned()));
        }
        Ok(Params {
            pairs,
            query_credentials: false,
        })
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }

    /// Add `key` unless already present (for defects that merge the query string in).
    pub(crate) fn merge_missing(&mut self, other: &Params) {
        for (k, v) in &other.pairs {
            if !self.has(k) {
                self.pairs.push((k.clone(), v.clone()));
            }
        }
        self.query_credentials = true;
    }
}

/// Parameters the token endpoint understands; everything else is ignored
/// (or refused under the `unknown-param-rejected` defect).
pub(crate) const TOKEN_PARAMS: &[&str] = &[
    "grant_type",
    "refresh_token",
    "scope",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "username",
    "password",
    "code",
    "redirect_uri",
    "code_verifier",
    "nonce",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_400_parameters_are_an_invalid_request() {
        let ok: Vec<String> = (0..MAX_PARAMS).map(|i| format!("p{i}=v")).collect();
        assert_eq!(
            Params::parse(ok.join("&").as_bytes(), false)
                .unwrap()
                .keys()
                .count(),
            MAX_PARAMS
        );
        let many: Vec<String> = (0..8_000).map(|i| format!("p{i}=v")).collect();
        let e = Params::parse(many.join("&").as_bytes(), false).unwrap_err();
        assert_eq!(e.error, "invalid_request");
        assert!(e.description.contains("more than 400"), "{}", e.description);
    }

    #[test]
    fn a_repeated_parameter_is_still_found_among_many() {
        let mut many: Vec<String> = (0..300).map(|i| format!("p{i}=v")).collect();
        many.push("p7=again".into());
        let e = Params::parse(many.join("&").as_bytes(), false).unwrap_err();
        assert!(
            e.description.contains("`p7` is repeated"),
            "{}",
            e.description
        );
    }
}
