//! `init`: a commented target file with every key, for one profile. It
//! validates as printed (`validate_target`), and so do its optional blocks
//! once uncommented.

use crate::behaviour::vocab::{Kind, VOCABULARY};
use crate::behaviour::{Profile, Value};
use std::fmt::Write;

/// Marks the commented-out blocks (`other`, `public` clients) that validate
/// once the `# ` in front of their lines is removed.
pub(crate) const OPTIONAL_BEGIN: &str = "# ---- optional: uncomment the lines below to enable";
pub(crate) const OPTIONAL_END: &str = "# ---- end optional";

fn toml_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Count(n) => n.to_string(),
        Value::Duration(_) | Value::Text(_) => toml::Value::String(v.render()).to_string(),
    }
}

fn example(key: &str, kind: Kind) -> String {
    match (key, kind) {
        ("access_token_ttl", _) => "\"1h\"".into(),
        ("refresh_token_absolute_ttl", _) => "\"30d\"".into(),
        ("refresh_token_idle_ttl", _) => "\"7d\"".into(),
        (_, kind) => example_of(kind),
    }
}

fn example_of(kind: Kind) -> String {
    match kind {
        Kind::Bool => "true".into(),
        Kind::Duration => "\"30s\"".into(),
        Kind::Count => "0".into(),
        Kind::Enum(values) => toml::Value::String(values[0].to_string()).to_string(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A commented target file for `profile`, with every key shown. A built-in
/// profile is referred to by name, any other by its `origin` (a `.toml` path).
pub fn template(profile: &Profile) -> String {
    let p = &profile.name;
    // A built-in profile is named; a profile read from a file is referred to by its path.
    let reference =
        if crate::behaviour::builtin_profile(p).is_none() && profile.origin.ends_with(".toml") {
            profile.origin.clone()
        } else {
            p.clone()
        };
    let env_prefix: String = p
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let granted = profile
        .scopes
        .granted
        .clone()
        .unwrap_or_else(|| "openid offline_access profile".into());
    let narrower = profile
        .scopes
        .narrower
        .clone()
        .unwrap_or_else(|| "openid offline_access".into());
    let extra = profile
        .scopes
        .extra
        .clone()
        .unwrap_or_else(|| "email".into());
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = String::new();
    let _ = write!(
        t,
        r#"# refresh-conformance target file, generated for profile `{p}`.
# Check it with `refresh-conformance validate target.toml`.
# Secrets are never written here: they come from `{{ env = "VARIABLE" }}` or
# `{{ file = "path" }}` (relative to this file).

name = "{p}-staging"   # trial names: {p}-staging/<scenario-id>
profile = {pq}   # the vendor profile this tenant follows{title}

# The issuer: endpoints are discovered from its metadata
# (/.well-known/openid-configuration, then RFC 8414).
issuer = "https://idp.example.com/oauth2/default"
# Or give endpoints explicitly (these win over discovery):
# token_endpoint = "https://idp.example.com/oauth2/default/v1/token"
# revocation_endpoint = "https://idp.example.com/oauth2/default/v1/revoke"
# introspection_endpoint = "https://idp.example.com/oauth2/default/v1/introspect"
# authorization_endpoint = "https://idp.example.com/oauth2/default/v1/authorize"
# jwks_uri = "https://idp.example.com/oauth2/default/v1/keys"

timeout = "10s"                        # per request
# ca_bundle = "certs/private-ca.pem"   # extra trust roots (PEM) for a private CA
# rate = 5                             # at most 5 requests per second
# baseline = "{p}-staging.baseline.toml"   # known deviations
# emulator_control = true              # only for a `refresh-conformance emulate` server

# Extra headers on every request.
[headers]
# "X-Tenant" = "staging"

[scopes]
granted = {gq}   # what grants ask for; include offline_access where needed
narrower = {nq}   # a strict subset of `granted` that still yields a refresh token
extra = {eq}   # a scope the client CAN obtain, left out of `granted`

# ---------------------------------------------------------------- clients
# Roles: `main` (required), `other` (a second confidential client, for binding
# checks), `public` (a public client). Scenarios needing a missing role are skipped.

[clients.main]
id = "REPLACE-main-client-id"
auth = "client_secret_basic"           # client_secret_basic | client_secret_post | private_key_jwt | none
secret = {{ env = "{env_prefix}_MAIN_CLIENT_SECRET" }}
# secret = {{ file = "secrets/main-client-secret" }}
# Extra parameters on every refresh request of this client:
# refresh_params = {{ redirect_uri = "https://app.example.com/callback" }}

# How this client gets fresh grants that carry a refresh token. One kind is active.
[clients.main.grant]
kind = "command"                       # password | command | refresh_token_env
command = ["./login.sh", "{{{{client.id}}}}", "{{{{scope}}}}"]   # prints the token response JSON on stdout
# Placeholders: {{{{client.id}}}} {{{{client.role}}}} {{{{scope}}}} {{{{issuer}}}} {{{{token_endpoint}}}} {{{{params}}}};
# a scenario's grant `params` (e.g. a nonce) also arrive form-encoded in $RC_GRANT_PARAMS.
# scope_selectable = true              # the command honours {{{{scope}}}}
# repeatable = true                    # the command can be run again for a fresh grant
#
# kind = "password"                    # resource owner password grant (where the IdP allows it)
# username = "conformance-user@example.com"
# password = {{ env = "{env_prefix}_USER_PASSWORD" }}
# params = {{ audience = "https://api.example.com" }}
#
# kind = "refresh_token_env"           # a seed refresh token: neither repeatable nor scope-selectable
# env = "{env_prefix}_SEED_REFRESH_TOKEN"

# This client's own settings, over the target's [behaviour] (apps differ within a tenant).
[clients.main.behaviour]
# new_refresh_token = "always"
# grace_period = "30s"

{begin}
# [clients.other]
# id = "REPLACE-other-client-id"
# auth = "private_key_jwt"
# key = {{ file = "keys/other.pem" }}    # PEM private key (PKCS#8, PKCS#1 or SEC1)
# alg = "RS256"                        # RS256 | ES256
# kid = "other-1"
# audience = "https://idp.example.com/oauth2/default/v1/token"   # default: the token endpoint URL
#
# [clients.other.grant]
# kind = "command"
# command = ["./login.sh", "{{{{client.id}}}}", "{{{{scope}}}}"]
{end}

{begin}
# [clients.public]
# id = "REPLACE-public-client-id"
# auth = "none"                        # a public client: sends client_id, no secret
#
# [clients.public.grant]
# kind = "command"
# command = ["./login.sh", "{{{{client.id}}}}", "{{{{scope}}}}"]
{end}

# A grant source for every client without its own:
# [grant]
# kind = "password"
# username = "conformance-user@example.com"
# password = {{ env = "{env_prefix}_USER_PASSWORD" }}

# ---------------------------------------------------------------- behaviour
# This tenant's settings, over the profile's. Uncomment a line to state a value;
# a value the profile does not state (or states as unverified) is unknown on a
# live target, and scenarios needing it are skipped. User keys start with `x_`.
[behaviour]
"#,
        pq = q(&reference),
        title = if profile.title.is_empty() || profile.title == *p {
            String::new()
        } else {
            format!(" ({})", one_line(&profile.title))
        },
        gq = q(&granted),
        nq = q(&narrower),
        eq = q(&extra),
        begin = OPTIONAL_BEGIN,
        end = OPTIONAL_END,
    );
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
                    toml_value(&stated.value)
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
                toml_value(&stated.value)
            );
        }
    }
    t.push_str("# x_my_setting = \"anything\"          # for your own scenarios\n");
    t
}

/// The template with its optional blocks uncommented (used by tests, and
/// handy for a quick full example).
pub fn uncomment_optional(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line == OPTIONAL_BEGIN {
            inside = true;
        } else if line == OPTIONAL_END {
            inside = false;
        } else if inside {
            let l = line
                .strip_prefix("# ")
                .or_else(|| line.strip_prefix('#'))
                .unwrap_or(line);
            out.push_str(l);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
