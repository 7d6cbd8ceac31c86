//! Target files: good ones here; bad ones, located, in `errors.rs`; the init
//! template and baselines in `templates.rs`.

mod errors;
mod templates;

use errors::has;

use refresh_conformance::behaviour::{builtin_profiles, Profile};
use refresh_conformance::target::baseline::parse_baseline;
use refresh_conformance::target::init::{template, uncomment_optional};
use refresh_conformance::target::load::{load_target, parse_target, validate_target};
use refresh_conformance::target::{AuthMethod, Clock, GrantSource};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const PROFILE: &str = r#"
name = "testvendor"
title = "Test vendor"
[behaviour]
new_refresh_token = { value = "always", source = "seed:002" }
grace_period = { value = "30s", unverified = true }
offline_access_required = true
[clients.public.behaviour]
new_refresh_token = "always"
[scopes]
granted = "openid offline_access"
narrower = "openid offline_access"
"#;

pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A directory with the test profile, a key, a secret file, a CA and a baseline.
pub(crate) fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("vendor.toml"), PROFILE).unwrap();
    std::fs::create_dir_all(d.join("keys")).unwrap();
    std::fs::create_dir_all(d.join("secrets")).unwrap();
    std::fs::copy(data("keys/rsa-pkcs8.pem"), d.join("keys/other.pem")).unwrap();
    std::fs::write(d.join("secrets/post"), "post-secret-from-file\n").unwrap();
    std::fs::copy(data("ca/test-ca.pem"), d.join("ca.pem")).unwrap();
    std::fs::write(
        d.join("acme.baseline.toml"),
        "[expect.\"scope/omitted-returns-original\"]\noutcome = \"fail\"\nreason = \"vendor case 1234\"\n",
    )
    .unwrap();
    dir
}

pub(crate) fn good_toml(prefix: &str) -> String {
    format!(
        r#"name = "acme-staging"
profile = "vendor.toml"
issuer = "https://idp.example.com/oauth2/default"
revocation_endpoint = "https://idp.example.com/revoke"
timeout = "5s"
ca_bundle = "ca.pem"
rate = 2
baseline = "acme.baseline.toml"

[headers]
"X-Tenant" = "staging"
"X-Api-Key" = "header-credential-value"

[clients.main]
id = "main-id"
auth = "client_secret_basic"
secret = {{ env = "{prefix}_MAIN_SECRET" }}
refresh_params = {{ redirect_uri = "https://app.example/cb" }}

[clients.main.grant]
kind = "command"
command = ["./login.sh", "{{{{client.id}}}}", "{{{{scope}}}}"]
repeatable = false

[clients.main.behaviour]
grace_period = "10s"

[clients.other]
id = "other-id"
auth = "private_key_jwt"
key = {{ file = "keys/other.pem" }}
kid = "other-1"
audience = "https://identity.oraclecloud.com/"

[clients.post]
id = "post-id"
auth = "client_secret_post"
secret = {{ file = "secrets/post" }}

[clients.public]
id = "public-id"
auth = "none"

[clients.public.grant]
kind = "refresh_token_env"
env = "{prefix}_SEED"

[grant]
kind = "password"
username = "alice"
password = {{ env = "{prefix}_PASSWORD" }}
params = {{ audience = "https://api.example" }}

[scopes]
granted = "openid offline_access profile"

[behaviour]
new_refresh_token = "always"
previous_refresh_token = "valid_in_grace"
x_custom = "anything"
"#
    )
}

pub(crate) fn set_env(prefix: &str) {
    std::env::set_var(format!("{prefix}_MAIN_SECRET"), "main-secret-value");
    std::env::set_var(format!("{prefix}_SEED"), "seed-refresh-token-value");
    std::env::set_var(format!("{prefix}_PASSWORD"), "user-password-value");
}

pub(crate) fn check_good_target(path: &Path) {
    let t = load_target(path).unwrap_or_else(|e| panic!("{}", e.join("\n")));
    assert_eq!(t.name, "acme-staging");
    assert_eq!(t.profile.name, "testvendor");
    assert!(t.live);
    assert!(matches!(t.clock, Clock::Real));
    assert_eq!(
        t.endpoints.issuer.as_deref(),
        Some("https://idp.example.com/oauth2/default")
    );
    assert_eq!(t.endpoints.token, "", "left for discovery");
    assert_eq!(
        t.endpoints.revocation.as_deref(),
        Some("https://idp.example.com/revoke")
    );
    assert_eq!(t.http.timeout, Duration::from_secs(5));
    assert_eq!(t.http.rate, Some(2.0));
    assert!(t.http.ca_bundle.as_ref().unwrap().ends_with("ca.pem"));
    assert!(t
        .http
        .headers
        .contains(&("X-Tenant".into(), "staging".into())));
    assert_eq!(
        t.baseline["scope/omitted-returns-original"],
        refresh_conformance::target::baseline::BaselineEntry {
            outcome: "fail".into(),
            reason: "vendor case 1234".into(),
            intermittent: false
        }
    );
    assert_eq!(
        t.scopes.granted.as_deref(),
        Some("openid offline_access profile")
    );
    assert_eq!(
        t.scopes.narrower.as_deref(),
        Some("openid offline_access"),
        "from the profile"
    );
    check_clients(&t, path);
    check_secret_labels(&t);
}

/// The clients of the good target: auth, secrets, keys, grant sources.
pub(crate) fn check_clients(t: &refresh_conformance::target::Target, path: &Path) {
    let main = &t.clients["main"];
    assert_eq!(main.auth, AuthMethod::ClientSecretBasic);
    assert_eq!(main.secret.as_deref(), Some("main-secret-value"));
    assert_eq!(
        main.refresh_params["redirect_uri"],
        "https://app.example/cb"
    );
    match main.grant.as_ref().unwrap() {
        GrantSource::Command {
            argv,
            scope_selectable,
            repeatable,
        } => {
            assert!(
                Path::new(&argv[0]).is_absolute()
                    || argv[0].starts_with(&path.parent().unwrap().display().to_string())
            );
            assert!(argv[0].ends_with("login.sh"));
            assert_eq!(&argv[1..], ["{{client.id}}", "{{scope}}"]);
            assert!(*scope_selectable);
            assert!(!*repeatable);
        }
        other => panic!("{other:?}"),
    }
    assert!(main.behaviour.values.contains_key("grace_period"));

    let other = &t.clients["other"];
    let key = other.key.as_ref().unwrap();
    assert_eq!(key.alg, "RS256", "inferred from the key");
    assert_eq!(key.kid.as_deref(), Some("other-1"));
    assert_eq!(
        key.audience.as_deref(),
        Some("https://identity.oraclecloud.com/")
    );
    assert!(
        matches!(other.grant, Some(GrantSource::Password { .. })),
        "target-wide grant"
    );

    let post = &t.clients["post"];
    assert_eq!(
        post.secret.as_deref(),
        Some("post-secret-from-file"),
        "trailing newline trimmed"
    );

    let public = &t.clients["public"];
    assert!(public.is_public());
    match public.grant.as_ref().unwrap() {
        GrantSource::RefreshTokenEnv { token, .. } => assert_eq!(token, "seed-refresh-token-value"),
        other => panic!("{other:?}"),
    }
}

/// Every secret of the good target is registered with its label.
pub(crate) fn check_secret_labels(t: &refresh_conformance::target::Target) {
    let key = t.clients["other"].key.as_ref().unwrap();
    let label = |v: &str| {
        t.secrets
            .iter()
            .find(|(s, _)| s == v)
            .map(|(_, l)| l.as_str())
    };
    assert_eq!(label("main-secret-value"), Some("‹secret:main›"));
    assert_eq!(label("post-secret-from-file"), Some("‹secret:post›"));
    assert_eq!(label("user-password-value"), Some("‹password:target›"));
    assert_eq!(label("seed-refresh-token-value"), Some("‹rt:seed›"));
    assert_eq!(label("header-credential-value"), Some("‹header:x-api-key›"));
    assert_eq!(label(&key.pem), Some("‹key:other›"));
    assert_eq!(label("staging"), None, "ordinary headers are not secrets");
    assert!(t.behaviour.values.contains_key("x_custom"));
}

#[test]
pub(crate) fn good_toml_target_loads() {
    let dir = workdir();
    set_env("RCT_GOOD");
    let path = dir.path().join("target.toml");
    std::fs::write(&path, good_toml("RCT_GOOD")).unwrap();
    assert_eq!(validate_target(&path), Vec::<String>::new());
    check_good_target(&path);
}

#[test]
pub(crate) fn good_json_target_loads() {
    let dir = workdir();
    set_env("RCT_JSON");
    let table: toml::Table = toml::from_str(&good_toml("RCT_JSON")).unwrap();
    let path = dir.path().join("target.json");
    std::fs::write(&path, serde_json::to_string_pretty(&table).unwrap()).unwrap();
    assert_eq!(validate_target(&path), Vec::<String>::new());
    check_good_target(&path);
}

#[test]
pub(crate) fn emulator_control_gives_virtual_clock() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        r#"name = "emu"
profile = "vendor.toml"
token_endpoint = "http://127.0.0.1:8080/oauth2/token"
emulator_control = true
[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { file = "secrets/post" }
[clients.main.grant]
kind = "authorization_code"
username = "alice"
password = { file = "secrets/post" }
"#,
    )
    .unwrap();
    let t = load_target(&path).unwrap_or_else(|e| panic!("{}", e.join("\n")));
    match &t.clock {
        Clock::Virtual { control_url } => {
            assert_eq!(control_url, "http://127.0.0.1:8080/_emulator/advance")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(t.endpoints.token, "http://127.0.0.1:8080/oauth2/token");
    assert_eq!(t.http.timeout, Duration::from_secs(10), "default timeout");
    assert!(matches!(
        t.clients["main"].grant,
        Some(GrantSource::AuthorizationCode { .. })
    ));
}
