//! The one HTTP client builder, for discovery and for trials: per-request
//! timeout, extra trust roots from `ca_bundle` (merged with the system's),
//! extra headers, no redirects, short-lived idle connections, no proxy for
//! the embedded emulator. (`rate` is not applied here: pacing is the
//! engine's job, in `run/http.rs`.)

use super::HttpSettings;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The User-Agent sent to targets.
pub(crate) const USER_AGENT: &str = concat!("refresh-conformance/", env!("CARGO_PKG_VERSION"));

/// Idle pooled connections are dropped after this. Servers close idle
/// keep-alive connections (Node after 5 s, gunicorn after 2 s); reusing one
/// races with that close and fails with a reset, and a consuming refresh must
/// never be retried, so idle connections are not kept long enough to go stale.
pub const POOL_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Build the client for a target (`live` = false for the embedded emulator,
/// which is reached without any proxy). Errors name the `ca_bundle` file or
/// the header; they never quote header values.
pub fn http_client(settings: &HttpSettings, live: bool) -> Result<reqwest::Client, String> {
    let mut headers = HeaderMap::new();
    for (name, value) in &settings.headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("header `{name}`: not a valid header name"))?;
        let mut v = HeaderValue::from_str(value)
            .map_err(|_| format!("header `{name}`: not a valid header value"))?;
        v.set_sensitive(true);
        headers.append(n, v);
    }
    let mut builder = reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(10)))
        .user_agent(USER_AGENT)
        .default_headers(headers)
        // A token endpoint that redirects is a finding, not something to follow.
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(POOL_IDLE);
    if !live {
        builder = builder.no_proxy();
    }
    if let Some(path) = &settings.ca_bundle {
        let pem = crate::doc::read::read_capped(path, crate::doc::read::MAX_USER_FILE)
            .map_err(|e| format!("cannot read `ca_bundle` file: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            format!(
                "`ca_bundle` file `{}` is not a PEM certificate bundle: {e}",
                path.display()
            )
        })?;
        if certs.is_empty() {
            return Err(format!(
                "`ca_bundle` file `{}` holds no certificate",
                path.display()
            ));
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn builds_with_a_ca_bundle_and_refuses_a_broken_one() {
        let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ca/test-ca.pem");
        let mut s = HttpSettings {
            ca_bundle: Some(ca),
            ..Default::default()
        };
        s.headers.push(("X-Tenant".into(), "staging".into()));
        http_client(&s, true).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.pem");
        std::fs::write(
            &bad,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = http_client(
            &HttpSettings {
                ca_bundle: Some(bad),
                ..Default::default()
            },
            true,
        )
        .unwrap_err();
        assert!(e.contains("bad.pem"), "{e}");
        let e = http_client(
            &HttpSettings {
                ca_bundle: Some(dir.path().join("missing.pem")),
                ..Default::default()
            },
            true,
        )
        .unwrap_err();
        assert!(e.contains("missing.pem"), "{e}");
    }

    #[test]
    fn bad_header_is_named_not_quoted() {
        let s = HttpSettings {
            headers: vec![("X-Key".into(), "secret\nvalue".into())],
            ..Default::default()
        };
        let e = http_client(&s, true).unwrap_err();
        assert!(e.contains("X-Key") && !e.contains("secret"), "{e}");
    }
}
