//! The parts of an `init` template that depend on the profile: the vendor's
//! endpoint layout, each client's authentication (with the other methods
//! the vendor documents, commented), its refresh parameters, and the
//! profile's behaviour values with their sources.

use crate::behaviour::profile_extras::{InitClient, InitTemplate, ENDPOINT_KEYS};
use crate::behaviour::vocab::{Kind, VOCABULARY};
use crate::behaviour::Profile;
use crate::oauth::AuthMethod;
use std::fmt::Write;

pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// What to know before filling in the file, and where the vendor documents it.
pub(super) fn vendor_notes(init: &InitTemplate) -> String {
    if init.source.is_empty() {
        return String::new();
    }
    let mut out = format!("#\n# Vendor documentation: {}\n", one_line(&init.source));
    for n in &init.notes {
        let _ = writeln!(out, "# {}", one_line(n));
    }
    out
}

/// `issuer`, the quirk it accepts, explicit endpoints (active where the
/// vendor needs them, commented where discovery finds them), and the hosts
/// discovered endpoints live on.
pub(super) fn endpoints_block(profile: &Profile, init: &InitTemplate) -> String {
    if init.source.is_empty() {
        return generic_endpoints();
    }
    let mut out = String::new();
    let _ = writeln!(out, "# Endpoints: {}", one_line(&init.source));
    match &init.issuer {
        Some(issuer) => {
            let _ = writeln!(
                out,
                "issuer = {}   # endpoints not written below are discovered from its metadata",
                q(issuer)
            );
        }
        None => out.push_str("# No discovery: the endpoints are written out.\n"),
    }
    if let Some(quirk) = &profile.discovery.issuer_quirk {
        let _ = writeln!(
            out,
            "# The metadata names `{}` as its issuer for every tenant ({}):\n# accepted here, while `issuer` stays your tenant's URL.\naccept_issuer_quirk = true",
            quirk.issuer,
            one_line(&quirk.source)
        );
    }
    for k in ENDPOINT_KEYS {
        if let Some(u) = init.endpoints.get(*k) {
            let _ = writeln!(out, "{k} = {}", q(u));
        } else if let Some(u) = init.discovered_endpoints.get(*k) {
            let _ = writeln!(out, "# {k} = {}   # discovered; uncomment to pin it", q(u));
        }
    }
    if !init.allowed_endpoint_hosts.is_empty() {
        let hosts: Vec<String> = init.allowed_endpoint_hosts.iter().map(|h| q(h)).collect();
        let _ = writeln!(
            out,
            "allowed_endpoint_hosts = [{}]   # the vendor serves discovered endpoints on these hosts",
            hosts.join(", ")
        );
    }
    out
}

fn generic_endpoints() -> String {
    r#"# The issuer: endpoints are discovered from its metadata
# (/.well-known/openid-configuration, then RFC 8414).
issuer = "https://idp.example.com"
# Or give endpoints explicitly (these win over discovery):
# token_endpoint = "https://idp.example.com/oauth2/token"
# revocation_endpoint = "https://idp.example.com/oauth2/revoke"
# introspection_endpoint = "https://idp.example.com/oauth2/introspect"
# authorization_endpoint = "https://idp.example.com/oauth2/authorize"
# jwks_uri = "https://idp.example.com/oauth2/jwks"
# allowed_endpoint_hosts = ["login.example.com"]   # hosts besides the issuer's that discovered endpoints may name
"#
    .to_string()
}

/// The credential lines of `method` for client `role`, each prefixed by `prefix`.
fn credential_lines(
    method: AuthMethod,
    role: &str,
    env: &str,
    token_url: &str,
    prefix: &str,
) -> String {
    let upper = role.to_ascii_uppercase();
    match method {
        // Inside an optional block every line is uncommented: one `secret` only.
        AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost if prefix.is_empty() => format!(
            "secret = {{ env = \"{env}_{upper}_CLIENT_SECRET\" }}\n# secret = {{ file = \"secrets/{role}-client-secret\" }}\n"
        ),
        AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost => {
            format!("{prefix}secret = {{ env = \"{env}_{upper}_CLIENT_SECRET\" }}\n")
        }
        AuthMethod::PrivateKeyJwt => format!(
            "{prefix}key = {{ file = \"keys/{role}.pem\" }}    # PEM private key (PKCS#8, PKCS#1 or SEC1)\n{prefix}alg = \"RS256\"                        # RS256 | ES256\n{prefix}kid = \"{role}-1\"\n# audience = {}   # default: the token endpoint URL\n",
            q(token_url)
        ),
        AuthMethod::None => String::new(),
    }
}

/// `auth` and its credentials for `role` (main active; `other` inside an
/// optional block, so commented), then the other methods the vendor
/// documents, commented.
pub(super) fn client_auth(
    role: &str,
    init: Option<&InitClient>,
    env: &str,
    token_url: &str,
    optional: bool,
) -> String {
    let prefix = if optional { "# " } else { "" };
    let default = if optional {
        AuthMethod::PrivateKeyJwt
    } else {
        AuthMethod::ClientSecretBasic
    };
    let method = init.map(|c| c.auth).unwrap_or(default);
    let note = match init {
        Some(c) => format!("   # {}", one_line(&c.source)),
        None => String::new(),
    };
    let mut out = format!("{prefix}auth = \"{}\"{note}\n", method.as_str());
    out.push_str(&credential_lines(method, role, env, token_url, prefix));
    // An optional block is uncommented whole: alternatives only outside one.
    let alternatives = if optional {
        &[][..]
    } else {
        init.map(|c| c.also.as_slice()).unwrap_or_default()
    };
    for alt in alternatives {
        let _ = writeln!(
            out,
            "# Also documented ({}):\n# auth = \"{}\"",
            one_line(&alt.source),
            alt.auth.as_str()
        );
        out.push_str(&credential_lines(alt.auth, role, env, token_url, "# ").replace("# # ", "# "));
    }
    out.trim_end().to_string()
}

/// The client's `refresh_params`: the vendor's, active, or a commented example.
pub(super) fn refresh_params(init: Option<&InitClient>, optional: bool) -> String {
    let prefix = if optional { "# " } else { "" };
    match init.filter(|c| !c.refresh_params.is_empty()) {
        Some(c) => {
            let pairs: Vec<String> = c
                .refresh_params
                .iter()
                .map(|(k, v)| format!("{k} = {}", q(v)))
                .collect();
            format!(
                "{prefix}refresh_params = {{ {} }}   # the vendor's refresh request carries these",
                pairs.join(", ")
            )
        }
        None => {
            "# refresh_params = { redirect_uri = \"https://app.example.com/callback\" }".to_string()
        }
    }
}

/// The public client's lines inside its optional block.
pub(super) fn public_block(init: Option<&InitClient>) -> String {
    let mut out = match init {
        Some(c) => format!(
            "# auth = \"none\"                        # a public client: sends client_id, no secret ({})",
            one_line(&c.source)
        ),
        None => "# auth = \"none\"                        # a public client: sends client_id, no secret".to_string(),
    };
    if init.is_some_and(|c| !c.refresh_params.is_empty()) {
        out.push('\n');
        out.push_str(&refresh_params(init, true));
    }
    out
}

fn example(key: &str, kind: Kind) -> String {
    match (key, kind) {
        ("access_token_ttl", _) => "\"1h\"".into(),
        ("refresh_token_absolute_ttl", _) => "\"30d\"".into(),
        ("refresh_token_idle_ttl", _) => "\"7d\"".into(),
        (_, Kind::Bool) => "true".into(),
        (_, Kind::Duration) => "\"30s\"".into(),
        (_, Kind::Count) => "0".into(),
        (_, Kind::Enum(values)) => toml::Value::String(values[0].to_string()).to_string(),
    }
}

/// Every vocabulary key, commented, with the profile's value and source.
pub(super) fn behaviour_lines(t: &mut String, profile: &Profile) {
    let p = &profile.name;
    for def in VOCABULARY {
        let _ = writeln!(t, "# {}: {}", def.key, one_line(def.meaning));
        match profile.behaviour.values.get(def.key) {
            Some(stated) => {
                let mut note = format!("profile {p}");
                if let Some(src) = &stated.source {
                    let _ = write!(note, ", source: {}", one_line(src));
                }
                if stated.unverified {
                    note.push_str("; unverified: unknown on a live target until stated here");
                }
                let _ = writeln!(
                    t,
                    "# {} = {}   # {note}",
                    def.key,
                    stated.value.toml_literal()
                );
            }
            None => {
                let _ = writeln!(
                    t,
                    "# {} = {}   # not stated by profile {p}",
                    def.key,
                    example(def.key, def.kind)
                );
            }
        }
    }
    for (role, set) in &profile.clients {
        for (key, stated) in &set.values {
            let _ = writeln!(
                t,
                "# (profile {p} states {key} = {} for `{role}` clients; set it under [clients.{role}.behaviour])",
                stated.value.toml_literal()
            );
        }
    }
    t.push_str("# x_my_setting = \"anything\"          # for your own scenarios\n");
}

/// `block` followed by `dpop = true` when the profile states
/// `sender_constrained = "dpop"` for the client role: its tokens are bound
/// to a key, and a client without proofs is refused (docs/target-file.md).
pub(super) fn with_dpop(block: String, profile: &Profile, role: &str, optional: bool) -> String {
    let set = profile.for_client(role);
    let Some(stated) = set.values.get("sender_constrained") else {
        return block;
    };
    if stated.value.render() != "dpop" {
        return block;
    }
    let prefix = if optional { "# " } else { "" };
    let source = stated
        .source
        .as_deref()
        .map(|s| format!(" ({})", one_line(s)))
        .unwrap_or_default();
    format!("{block}\n{prefix}dpop = true   # the profile binds this client's tokens to a DPoP key{source}")
}
