//! `init`: a commented target file with every key, for one profile. It
//! validates as printed (`validate_target`), and so do its optional blocks
//! once uncommented.

use super::init_blocks::{
    behaviour_lines, client_auth, endpoints_block, one_line, public_block, refresh_params,
    vendor_notes, with_dpop,
};
use crate::behaviour::Profile;
use std::fmt::Write;

/// Marks the commented-out blocks (`other`, `public` clients) that validate
/// once the `# ` in front of their lines is removed.
pub(crate) const OPTIONAL_BEGIN: &str = "# ---- optional: uncomment the lines below to enable";
pub(crate) const OPTIONAL_END: &str = "# ---- end optional";

/// A commented target file for `profile`, with every key shown, in the
/// vendor's shape where the profile has an `[init]` (endpoints, scopes,
/// client authentication, each with its vendor page). A built-in profile is
/// referred to by name, any other by its `origin` (a `.toml` path).
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
    let init = profile.init.clone().unwrap_or_default();
    let scopes = match &init.scopes {
        Some(s) => s.as_scopes(),
        None => profile.scopes.clone(),
    };
    let granted = scopes
        .granted
        .unwrap_or_else(|| "openid offline_access profile".into());
    let narrower = scopes
        .narrower
        .unwrap_or_else(|| "openid offline_access".into());
    let extra = scopes.extra.unwrap_or_else(|| "email".into());
    let scopes_source = match &init.scopes {
        Some(s) => format!("# Scopes in the vendor's form: {}\n", one_line(&s.source)),
        None => String::new(),
    };
    let token_url = init
        .endpoints
        .get("token_endpoint")
        .or_else(|| init.discovered_endpoints.get("token_endpoint"))
        .cloned()
        .unwrap_or_else(|| "https://idp.example.com/oauth2/token".into());
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = String::new();
    let _ = write!(
        t,
        r#"# refresh-conformance target file, generated for profile `{p}`.
# Check it with `refresh-conformance validate target.toml`.
# Secrets are never written here: they come from `{{ env = "VARIABLE" }}` or
# `{{ file = "path" }}` (relative to this file).
{vendor_notes}
name = "{p}-staging"   # trial names: {p}-staging/<scenario-id>
profile = {pq}   # the vendor profile this tenant follows{title}

{endpoints}
timeout = "10s"                        # per request
# ca_bundle = "certs/private-ca.pem"   # extra trust roots (PEM) for a private CA
# rate = 5                             # at most 5 requests per second
# baseline = "{p}-staging.baseline.toml"   # known deviations
# emulator_control = true              # only for a `refresh-conformance emulate` server

# Extra headers on every request.
[headers]
# "X-Tenant" = "staging"

{scopes_source}[scopes]
granted = {gq}   # what grants ask for; include offline_access where needed
narrower = {nq}   # a strict subset of `granted` that still yields a refresh token
extra = {eq}   # a scope the client CAN obtain, left out of `granted`

# ---------------------------------------------------------------- clients
# Roles: `main` (required), `other` (a second confidential client, for binding
# checks), `public` (a public client). Scenarios needing a missing role are skipped.
# Client authentication: client_secret_basic | client_secret_post | private_key_jwt | none

[clients.main]
id = "REPLACE-main-client-id"
{main_auth}
# Extra parameters on every refresh request of this client:
{main_params}

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
{other_auth}
#
# [clients.other.grant]
# kind = "command"
# command = ["./login.sh", "{{{{client.id}}}}", "{{{{scope}}}}"]
{end}

{begin}
# [clients.public]
# id = "REPLACE-public-client-id"
{public_auth}
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
        vendor_notes = vendor_notes(&init),
        pq = q(&reference),
        title = if profile.title.is_empty() || profile.title == *p {
            String::new()
        } else {
            format!(" ({})", one_line(&profile.title))
        },
        endpoints = endpoints_block(profile, &init),
        gq = q(&granted),
        nq = q(&narrower),
        eq = q(&extra),
        main_auth = with_dpop(
            client_auth(
                "main",
                init.clients.get("main"),
                &env_prefix,
                &token_url,
                false
            ),
            profile,
            "main",
            false
        ),
        main_params = refresh_params(init.clients.get("main"), false),
        other_auth = with_dpop(
            client_auth(
                "other",
                init.clients.get("other"),
                &env_prefix,
                &token_url,
                true
            ),
            profile,
            "other",
            true
        ),
        public_auth = with_dpop(
            public_block(init.clients.get("public")),
            profile,
            "public",
            true
        ),
        begin = OPTIONAL_BEGIN,
        end = OPTIONAL_END,
    );
    behaviour_lines(&mut t, profile);
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
