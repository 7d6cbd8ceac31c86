//! Endpoint discovery from the issuer: OpenID Connect Discovery 1.0 §4
//! (`{issuer}/.well-known/openid-configuration`), then RFC 8414 §3
//! (`/.well-known/oauth-authorization-server` inserted between host and
//! path), then the appended RFC 8414 form some servers use (Okta's custom
//! authorization servers).

use super::Target;

/// Largest metadata document read.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// The metadata URLs to try for `issuer`, in order, without duplicates.
pub(crate) fn metadata_urls(issuer: &str) -> Result<Vec<String>, String> {
    let u = url::Url::parse(issuer).map_err(|e| format!("issuer `{issuer}` is not a URL: {e}"))?;
    let origin = u.origin().ascii_serialization();
    let trimmed = issuer.trim_end_matches('/');
    let path = u.path().trim_end_matches('/');
    let mut out = vec![format!("{trimmed}/.well-known/openid-configuration")];
    for candidate in [
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{trimmed}/.well-known/oauth-authorization-server"),
    ] {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    Ok(out)
}

/// Read at most `MAX_BODY` bytes of a response body.
async fn capped_body(mut resp: reqwest::Response) -> Result<Vec<u8>, String> {
    if resp.content_length().is_some_and(|n| n as usize > MAX_BODY) {
        return Err("the document is larger than 1 MiB".into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("reading the body failed: {e}"))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            return Err("the document is larger than 1 MiB".into());
        }
    }
    Ok(body)
}

/// Fetch one metadata document. Errors say what went wrong, without the URL.
async fn fetch(
    target: &Target,
    http: &reqwest::Client,
    url: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut req = http
        .get(url)
        .header("Accept", "application/json")
        .timeout(target.http.timeout);
    for (k, v) in &target.http.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = req.send().await.map_err(|e| {
        if e.is_timeout() {
            format!(
                "no answer within {}",
                humantime::format_duration(target.http.timeout)
            )
        } else if e.is_connect() {
            format!("cannot connect ({})", root_cause(&e))
        } else {
            format!("request failed ({})", root_cause(&e))
        }
    })?;
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body = capped_body(resp).await?;
    let text = String::from_utf8_lossy(&body);
    let looks_html = content_type.contains("html") || text.trim_start().starts_with('<');
    if looks_html {
        return Err(format!(
            "answered HTML (Content-Type `{}`), not JSON metadata: is the issuer URL right? (a login page or a proxy's error page answers like this)",
            if content_type.is_empty() { "none" } else { &content_type }
        ));
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err("answered JSON that is not an object".into()),
        Err(e) => Err(format!(
            "answered something that is not JSON ({e}; Content-Type `{content_type}`)"
        )),
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Fill the target's missing endpoints from its issuer's metadata.
///
/// Does nothing when `issuer` is not set (then `token_endpoint` must be), or
/// when every endpoint is already given. Explicit endpoints in the target
/// file win over the metadata's. The metadata's `issuer` must equal the
/// configured one exactly (OIDC Discovery §4.3, RFC 8414 §3.3).
///
/// When the token endpoint was given explicitly, a metadata document that
/// cannot be fetched is not an error (nothing essential is missing); an
/// issuer mismatch always is.
/// On success, notes for the run to print (an endpoint allowed on another host).
pub async fn discover(target: &mut Target, http: &reqwest::Client) -> Result<Vec<String>, String> {
    let Some(issuer) = target.endpoints.issuer.clone() else {
        if target.endpoints.token.is_empty() {
            return Err(format!(
                "target `{}`: neither `issuer` nor `token_endpoint` is set",
                target.name
            ));
        }
        return Ok(vec![]);
    };
    let e = &target.endpoints;
    if !e.token.is_empty()
        && e.revocation.is_some()
        && e.introspection.is_some()
        && e.jwks.is_some()
        && e.authorization.is_some()
    {
        return Ok(vec![]);
    }
    let token_known = !target.endpoints.token.is_empty();
    let mut tried = Vec::new();
    let mut found = None;
    for url in metadata_urls(&issuer)? {
        match fetch(target, http, &url).await {
            Ok(m) => {
                found = Some((url, m));
                break;
            }
            Err(e) => tried.push(format!("GET {url}: {e}")),
        }
    }
    let Some((url, meta)) = found else {
        if token_known {
            return Ok(vec![]);
        }
        return Err(format!(
            "target `{}`: endpoint discovery for issuer `{issuer}` failed (set `token_endpoint` in the target file to skip discovery):\n  {}",
            target.name,
            tried.join("\n  ")
        ));
    };
    match meta.get("issuer").and_then(|v| v.as_str()) {
        Some(i) if i == issuer => {}
        Some(i) if target.endpoints.accepted_issuer.as_deref() == Some(i) => {}
        Some(i) => return Err(issuer_mismatch(target, &url, i, &issuer)),
        None => {
            return Err(format!(
                "target `{}`: the metadata at {url} has no `issuer`",
                target.name
            ))
        }
    }
    let issuer_url = url::Url::parse(&issuer).map_err(|e| format!("issuer `{issuer}`: {e}"))?;
    let mut notes = Vec::new();
    let mut get = |k: &str| endpoint_of(target, &url, &meta, &issuer_url, k, &mut notes);
    let token = get("token_endpoint")?;
    let revocation = get("revocation_endpoint")?;
    let introspection = get("introspection_endpoint")?;
    let authorization = get("authorization_endpoint")?;
    let jwks = get("jwks_uri")?;
    let e = &mut target.endpoints;
    if e.token.is_empty() {
        match token {
            Some(t) => e.token = t,
            None => {
                return Err(format!(
                    "target `{}`: the metadata at {url} has no `token_endpoint`; set `token_endpoint` in the target file",
                    target.name
                ))
            }
        }
    }
    if e.revocation.is_none() {
        e.revocation = revocation;
    }
    if e.introspection.is_none() {
        e.introspection = introspection;
    }
    if e.authorization.is_none() {
        e.authorization = authorization;
    }
    if e.jwks.is_none() {
        e.jwks = jwks;
    }
    Ok(notes)
}

/// Why a metadata document naming issuer `named` is refused for `issuer`
/// (OIDC Discovery §4.3, RFC 8414 §3.3). It never advises copying `named`
/// into `issuer` when it is on another host: metadata would then be fetched
/// from, and credentials sent to, a server the user did not point at.
fn issuer_mismatch(target: &Target, url: &str, named: &str, issuer: &str) -> String {
    let head = format!(
        "target `{}`: the metadata at {url} names issuer `{named}`, but the target file says `{issuer}`; they must be identical (OpenID Connect Discovery §4.3, RFC 8414 §3.3)",
        target.name
    );
    let origin = |s: &str| {
        url::Url::parse(s)
            .ok()
            .map(|u| u.origin().ascii_serialization())
    };
    let quirk = target.profile.discovery.issuer_quirk.as_ref();
    if quirk.is_some_and(|q| q.issuer == named) {
        let q = quirk.map(|q| q.source.as_str()).unwrap_or_default();
        return format!(
            "{head}. This is a known quirk of profile `{}` (its metadata names this issuer for every tenant: {q}); if this is your tenant, add `accept_issuer_quirk = true` to the target file and keep `issuer` as your tenant's URL",
            target.profile.name
        );
    }
    if origin(named).is_some() && origin(named) == origin(issuer) {
        format!("{head}. Both are on the same host: check the path and the trailing slash of `issuer` against the tenant's documented issuer")
    } else {
        format!("{head}. The document names another host: it may not describe this tenant, so nothing is fetched from that host; check that `issuer` is your tenant's URL, or give the endpoints explicitly (`token_endpoint`, ...) and leave `issuer` out")
    }
}

/// The metadata's endpoint `k`, checked: an http(s) URL credentials may go
/// to ([`endpoint_allowed`]); a note is added when it is allowed elsewhere.
fn endpoint_of(
    target: &Target,
    url: &str,
    meta: &serde_json::Map<String, serde_json::Value>,
    issuer_url: &url::Url,
    k: &str,
    notes: &mut Vec<String>,
) -> Result<Option<String>, String> {
    let where_ = |s: &str| {
        format!(
            "target `{}`: the metadata at {url} has `{k}` = `{s}`",
            target.name
        )
    };
    match meta.get(k) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => match url::Url::parse(s) {
            Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {
                if let Some(note) =
                    endpoint_allowed(issuer_url, &u, &target.endpoints.allowed_hosts)
                        .map_err(|why| format!("{}, {why}", where_(s)))?
                {
                    notes.push(format!("{}: {note}", where_(s)));
                }
                Ok(Some(s.clone()))
            }
            _ => Err(format!("{}, which is not an http(s) URL", where_(s))),
        },
        Some(_) => Err(format!(
            "target `{}`: the metadata at {url} has a `{k}` that is not a string",
            target.name
        )),
    }
}

/// Whether credentials may go to a discovered endpoint `u` of `issuer`:
/// never over a downgraded scheme or to a URL carrying userinfo; to another
/// host or port only when `allowed` (`allowed_endpoint_hosts`) names it, and
/// then with a note for the run to print.
fn endpoint_allowed(
    issuer: &url::Url,
    u: &url::Url,
    allowed: &[String],
) -> Result<Option<String>, String> {
    if !u.username().is_empty() || u.password().is_some() {
        return Err(
            "which carries credentials (`user:password@`): refused, the suite would send them on"
                .into(),
        );
    }
    if issuer.scheme() == "https" && u.scheme() != "https" {
        return Err(format!(
            "which downgrades the issuer's https to {}: refused, credentials would travel in clear text (set the endpoint in the target file if this is really meant)",
            u.scheme()
        ));
    }
    let host_port = |x: &url::Url| {
        format!(
            "{}:{}",
            x.host_str().unwrap_or(""),
            x.port_or_known_default().unwrap_or(0)
        )
    };
    let here = host_port(u);
    if here == host_port(issuer) {
        return Ok(None);
    }
    let named = allowed.iter().any(|a| {
        let with_port = if a.contains(':') && !a.ends_with(']') {
            a.clone()
        } else {
            // A bare host means the scheme's default port.
            let default = if u.scheme() == "https" { 443 } else { 80 };
            format!("{a}:{default}")
        };
        with_port.eq_ignore_ascii_case(&here)
    });
    if named {
        Ok(Some(format!(
            "on {here}, not the issuer's {}: used, as `allowed_endpoint_hosts` allows",
            host_port(issuer)
        )))
    } else {
        Err(format!(
            "which is on {here}, not the issuer's {}: refused, credentials go only where the target file points (add \"{}\" to `allowed_endpoint_hosts` if this IdP really serves it there)",
            host_port(issuer),
            u.host_str().unwrap_or("")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_without_path() {
        assert_eq!(
            metadata_urls("https://idp.example").unwrap(),
            vec![
                "https://idp.example/.well-known/openid-configuration",
                "https://idp.example/.well-known/oauth-authorization-server"
            ]
        );
        assert_eq!(metadata_urls("https://idp.example/").unwrap().len(), 2);
    }

    #[test]
    fn urls_with_path_insert_for_rfc8414() {
        assert_eq!(
            metadata_urls("https://idp.example/oauth2/default").unwrap(),
            vec![
                "https://idp.example/oauth2/default/.well-known/openid-configuration",
                "https://idp.example/.well-known/oauth-authorization-server/oauth2/default",
                "https://idp.example/oauth2/default/.well-known/oauth-authorization-server",
            ]
        );
    }

    #[test]
    fn an_https_issuer_never_sends_credentials_over_http() {
        let issuer = url::Url::parse("https://idp.example/").unwrap();
        let http = url::Url::parse("http://idp.example/token").unwrap();
        let e = endpoint_allowed(&issuer, &http, &["idp.example".into()]).unwrap_err();
        assert!(e.contains("downgrades"), "{e}");
        let same = url::Url::parse("https://idp.example:443/token").unwrap();
        assert_eq!(endpoint_allowed(&issuer, &same, &[]), Ok(None));
        // `host` alone means the scheme's default port.
        let other = url::Url::parse("https://oauth2.googleapis.com/token").unwrap();
        assert!(
            endpoint_allowed(&issuer, &other, &["oauth2.googleapis.com".into()])
                .unwrap()
                .is_some()
        );
        let port = url::Url::parse("https://oauth2.googleapis.com:8443/token").unwrap();
        assert!(endpoint_allowed(&issuer, &port, &["oauth2.googleapis.com".into()]).is_err());
    }
}
