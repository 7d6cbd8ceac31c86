//! Target files: good and bad ones, located errors, secrets, init template, baselines.

use refresh_conformance::behaviour::{builtin_profiles, Profile};
use refresh_conformance::target::baseline::parse_baseline;
use refresh_conformance::target::init::{template, uncomment_optional};
use refresh_conformance::target::load::{load_target, parse_target, validate_target};
use refresh_conformance::target::{AuthMethod, Clock, GrantSource};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PROFILE: &str = r#"
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

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A directory with the test profile, a key, a secret file, a CA and a baseline.
fn workdir() -> tempfile::TempDir {
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

fn good_toml(prefix: &str) -> String {
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

fn set_env(prefix: &str) {
    std::env::set_var(format!("{prefix}_MAIN_SECRET"), "main-secret-value");
    std::env::set_var(format!("{prefix}_SEED"), "seed-refresh-token-value");
    std::env::set_var(format!("{prefix}_PASSWORD"), "user-password-value");
}

fn check_good_target(path: &Path) {
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
            reason: "vendor case 1234".into()
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
fn good_toml_target_loads() {
    let dir = workdir();
    set_env("RCT_GOOD");
    let path = dir.path().join("target.toml");
    std::fs::write(&path, good_toml("RCT_GOOD")).unwrap();
    assert_eq!(validate_target(&path), Vec::<String>::new());
    check_good_target(&path);
}

#[test]
fn good_json_target_loads() {
    let dir = workdir();
    set_env("RCT_JSON");
    let table: toml::Table = toml::from_str(&good_toml("RCT_JSON")).unwrap();
    let path = dir.path().join("target.json");
    std::fs::write(&path, serde_json::to_string_pretty(&table).unwrap()).unwrap();
    assert_eq!(validate_target(&path), Vec::<String>::new());
    check_good_target(&path);
}

#[test]
fn emulator_control_gives_virtual_clock() {
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

/// The error located at `line` that contains `fragment`.
fn has(errors: &[String], path: &Path, line: usize, fragment: &str) {
    let prefix = format!("{}:{line}:", path.display());
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&prefix) && e.contains(fragment)),
        "no error at line {line} containing {fragment:?} in:\n{}",
        errors.join("\n")
    );
}

const BAD: &str = r#"name = "bad name"
profile = "oktaa"
isuser = "https://idp.example.com"
token_endpoint = "ftp://idp.example.com/token"
timeout = "10 parsecs"
rate = "fast"
emulator_control = "yes"

[clients.main]
id = "main"
auth = "client_secret_basik"
secret = "s3cr3t-literal-value"

[clients.other]
id = "other"
auth = "private_key_jwt"
alg = "HS256"

[clients.third]
id = "third"
auth = "client_secret_post"

[clients.third.grant]
kind = "password"
username = "alice"
password = "literal-password-value"

[clients.fourth]
id = 42
auth = "none"
secret = { env = "X", file = "y" }
key = { env = "K" }

[clients.fourth.grant]
kind = "command"
command = []

[clients.fourth.behaviour]
new_refresh_token = "sometimes"
x_anything = 3

[grant]
kind = "refresh_token_env"
repeatable = true

[behaviour]
grace_period = "a while"
rotation = true
x_fine = "ok"
"#;

#[test]
fn bad_toml_target_reports_every_problem_located() {
    let dir = workdir();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, BAD).unwrap();
    let errors = parse_target(&path, BAD).unwrap_err();
    let p = &path;
    has(&errors, p, 1, "may contain only letters");
    has(&errors, p, 2, "unknown profile `oktaa`");
    has(&errors, p, 2, "built in:");
    has(&errors, p, 3, "unknown key `isuser`");
    has(&errors, p, 3, "did you mean `issuer`?");
    has(&errors, p, 4, "must be an http or https URL");
    has(&errors, p, 5, "not a duration");
    has(&errors, p, 6, "`rate` must be a number");
    has(&errors, p, 7, "`emulator_control` must be true or false");
    has(&errors, p, 11, "unknown auth method `client_secret_basik`");
    has(&errors, p, 11, "did you mean `client_secret_basic`?");
    has(&errors, p, 12, "written literally");
    has(&errors, p, 12, "secret = { env = \"VARIABLE\" }");
    has(&errors, p, 12, "secret = { file = ");
    has(&errors, p, 14, "needs a PEM private key");
    has(&errors, p, 17, "unsupported `alg` `HS256`");
    has(&errors, p, 19, "uses `client_secret_post` and needs");
    has(
        &errors,
        p,
        26,
        "`clients.third.grant.password` is written literally",
    );
    has(
        &errors,
        p,
        29,
        "`clients.fourth.id` must be a string, not an integer",
    );
    has(&errors, p, 31, "either `env` or `file`, not both");
    has(&errors, p, 31, "`secret` is not used with auth = \"none\"");
    has(
        &errors,
        p,
        32,
        "`key` is used only with auth = \"private_key_jwt\"",
    );
    has(&errors, p, 36, "`command` must not be empty");
    has(&errors, p, 39, "`new_refresh_token` must be one of");
    has(&errors, p, 42, "grant kind `refresh_token_env` needs `env`");
    has(
        &errors,
        p,
        44,
        "`repeatable` is not used by grant kind `refresh_token_env`",
    );
    has(&errors, p, 47, "`grace_period` must be a duration");
    has(&errors, p, 48, "unknown behaviour key `rotation`");
    // Missing issuer/token endpoint is not claimed: token_endpoint is given (if malformed).
    assert!(
        !errors
            .iter()
            .any(|e| e.contains("x_fine") || e.contains("x_anything")),
        "{errors:#?}"
    );
    for e in &errors {
        assert!(!e.contains("s3cr3t-literal-value"), "secret leaked: {e}");
        assert!(!e.contains("literal-password-value"), "secret leaked: {e}");
    }
    assert_eq!(validate_target(&path), errors);
}

#[test]
fn missing_endpoints_main_client_and_name() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    let text = "profile = \"vendor.toml\"\n[clients.other]\nid = \"o\"\nauth = \"none\"\n";
    let errors = parse_target(&path, text).unwrap_err();
    has(&errors, &path, 1, "needs `name`");
    has(&errors, &path, 1, "needs `issuer`");
    has(&errors, &path, 2, "needs `[clients.main]`");
}

#[test]
fn syntax_errors_are_located() {
    let path = Path::new("dir/t.toml");
    let errors = parse_target(path, "name = \"x\"\nprofile = \n").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("dir/t.toml:2:"), "{errors:?}");
    let errors = parse_target(
        Path::new("t.json"),
        "{\n  \"name\": \"x\",\n  \"profile\" \"y\"\n}",
    )
    .unwrap_err();
    assert!(errors[0].starts_with("t.json:3:"), "{errors:?}");
}

#[test]
fn json_literal_secret_is_located_with_json_hint() {
    let dir = workdir();
    let path = dir.path().join("t.json");
    let text = r#"{
  "name": "j",
  "profile": "vendor.toml",
  "token_endpoint": "https://idp.example/token",
  "clients": {
    "main": {
      "id": "m",
      "auth": "client_secret_basic",
      "secret": "json-literal-secret"
    }
  }
}"#;
    let errors = parse_target(&path, text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    has(&errors, &path, 9, "\"secret\": {\"env\": \"VARIABLE\"}");
    assert!(!errors[0].contains("json-literal-secret"));
}

#[test]
fn missing_env_var_names_variable_and_client() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        r#"name = "envtest"
profile = "vendor.toml"
token_endpoint = "https://idp.example/token"
[clients.main]
id = "m"
auth = "client_secret_basic"
secret = { env = "RCT_SURELY_UNSET_SECRET" }
[clients.public]
id = "p"
auth = "none"
[clients.public.grant]
kind = "refresh_token_env"
env = "RCT_SURELY_UNSET_SEED"
"#,
    )
    .unwrap();
    assert_eq!(
        validate_target(&path),
        Vec::<String>::new(),
        "validation needs no environment"
    );
    let errors = load_target(&path).unwrap_err();
    has(
        &errors,
        &path,
        7,
        "client `main`: environment variable `RCT_SURELY_UNSET_SECRET`",
    );
    has(
        &errors,
        &path,
        13,
        "client `public`: environment variable `RCT_SURELY_UNSET_SEED`",
    );
    assert!(
        errors.iter().all(|e| e.contains("is not set")),
        "{errors:?}"
    );
}

#[test]
fn file_secrets_missing_or_empty_name_the_file() {
    let dir = workdir();
    std::fs::write(dir.path().join("secrets/empty"), "\n").unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        r#"name = "filetest"
profile = "vendor.toml"
token_endpoint = "https://idp.example/token"
[clients.main]
id = "m"
auth = "client_secret_basic"
secret = { file = "secrets/nope" }
[clients.other]
id = "o"
auth = "client_secret_post"
secret = { file = "secrets/empty" }
[clients.jwt]
id = "j"
auth = "private_key_jwt"
key = { file = "secrets/post" }
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("ca.pem"), "not a certificate").unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("profile = ", "ca_bundle = \"ca.pem\"\nprofile = ");
    std::fs::write(&path, text).unwrap();
    let errors = load_target(&path).unwrap_err();
    has(&errors, &path, 2, "is not a bundle of PEM certificates");
    has(&errors, &path, 8, "cannot read file");
    has(&errors, &path, 8, "secrets/nope");
    has(&errors, &path, 12, "secrets/empty");
    has(&errors, &path, 12, "is empty");
    has(
        &errors,
        &path,
        16,
        "neither an RSA (RS256) nor a P-256 (ES256) private key",
    );
    assert!(
        !errors.iter().any(|e| e.contains("post-secret-from-file")),
        "{errors:?}"
    );
}

#[test]
fn keys_in_every_pem_form_resolve() {
    let dir = workdir();
    for (file, alg, stated) in [
        ("rsa-pkcs8.pem", "RS256", None),
        ("rsa-pkcs1.pem", "RS256", Some("RS256")),
        ("ec-pkcs8.pem", "ES256", None),
        ("ec-sec1.pem", "ES256", Some("ES256")),
    ] {
        std::fs::copy(
            data(&format!("keys/{file}")),
            dir.path().join("keys").join(file),
        )
        .unwrap();
        let path = dir.path().join("t.toml");
        let alg_line = stated
            .map(|a| format!("alg = \"{a}\"\n"))
            .unwrap_or_default();
        std::fs::write(
            &path,
            format!(
                "name = \"k\"\nprofile = \"vendor.toml\"\ntoken_endpoint = \"https://idp.example/token\"\n[clients.main]\nid = \"m\"\nauth = \"private_key_jwt\"\nkey = {{ file = \"keys/{file}\" }}\n{alg_line}"
            ),
        )
        .unwrap();
        let t = load_target(&path).unwrap_or_else(|e| panic!("{file}: {}", e.join("\n")));
        assert_eq!(t.clients["main"].key.as_ref().unwrap().alg, alg, "{file}");
    }
    // A stated alg that does not fit the key.
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "name = \"k\"\nprofile = \"vendor.toml\"\ntoken_endpoint = \"https://idp.example/token\"\n[clients.main]\nid = \"m\"\nauth = \"private_key_jwt\"\nkey = { file = \"keys/ec-pkcs8.pem\" }\nalg = \"RS256\"\n",
    )
    .unwrap();
    let errors = load_target(&path).unwrap_err();
    has(&errors, &path, 7, "cannot sign RS256");
}

fn test_profile_file(dir: &Path) -> Profile {
    let origin = dir.join("vendor.toml").display().to_string();
    Profile::parse(&origin, PROFILE).unwrap()
}

#[test]
fn init_template_validates_as_printed() {
    let dir = workdir();
    let mut profiles = builtin_profiles();
    profiles.push(test_profile_file(dir.path()));
    for profile in &profiles {
        let text = template(profile);
        let path = dir
            .path()
            .join(format!("{}.toml", profile.name.replace(['/', ':'], "_")));
        std::fs::write(&path, &text).unwrap();
        assert_eq!(
            validate_target(&path),
            Vec::<String>::new(),
            "profile {}:\n{text}",
            profile.name
        );
        let full = uncomment_optional(&text);
        std::fs::write(&path, &full).unwrap();
        assert_eq!(
            validate_target(&path),
            Vec::<String>::new(),
            "profile {} uncommented:\n{full}",
            profile.name
        );
        let file = parse_target(&path, &full).unwrap();
        assert!(file.clients.contains_key("other") && file.clients.contains_key("public"));
    }
}

#[test]
fn init_template_shows_every_key() {
    let dir = workdir();
    let text = template(&test_profile_file(dir.path()));
    for key in [
        "name =",
        "profile =",
        "issuer =",
        "# token_endpoint",
        "# revocation_endpoint",
        "# introspection_endpoint",
        "timeout =",
        "# ca_bundle",
        "# rate",
        "[headers]",
        "# baseline",
        "[clients.main]",
        "client_secret_post",
        "private_key_jwt",
        "auth = \"none\"",
        "{ env = ",
        "{ file = ",
        "kind = \"command\"",
        "# kind = \"password\"",
        "# kind = \"refresh_token_env\"",
        "refresh_params",
        "[scopes]",
        "[behaviour]",
        "[clients.main.behaviour]",
        "# kid =",
        "# alg =",
        "# audience =",
    ] {
        assert!(text.contains(key), "missing {key:?} in:\n{text}");
    }
    for def in refresh_conformance::behaviour::vocab::VOCABULARY {
        assert!(
            text.contains(&format!("# {} = ", def.key)),
            "missing behaviour {}",
            def.key
        );
    }
    assert!(
        text.contains("# new_refresh_token = \"always\"   # profile testvendor, source: seed:002"),
        "{text}"
    );
    assert!(
        text.contains("# grace_period = \"30s\"   # profile testvendor; unverified"),
        "{text}"
    );
    assert!(
        text.contains("# reuse_detection = true   # not stated by profile testvendor"),
        "{text}"
    );
}

#[test]
fn baseline_parses_and_errors_are_located() {
    let path = Path::new("b.toml");
    let good = "[expect.\"rotation/previous-token-refused\"]\noutcome = \"fail\"\nreason = \"vendor case 1\"\n\n[expect.\"scope/x\"]\noutcome = \"warn\"\nreason = \"  known  \"\n";
    let b = parse_baseline(path, good).unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(
        (
            b["rotation/previous-token-refused"].outcome.as_str(),
            b["rotation/previous-token-refused"].reason.as_str()
        ),
        ("fail", "vendor case 1")
    );
    assert_eq!(b["scope/x"].reason, "known");

    let bad = "[expect.\"a/b\"]\noutcome = \"pass\"\nreason = \"x\"\n[expect.\"c/d\"]\noutcome = \"skip\"\nreason = \"\"\n[expect.\"e/f\"]\noutcome = \"error\"\n[expect.\"g/h\"]\noutcom = \"fail\"\nreason = \"r\"\n[other]\n";
    let errors = parse_baseline(path, bad).unwrap_err();
    has(&errors, path, 2, "unknown outcome `pass`");
    has(&errors, path, 6, "`reason` is empty");
    has(&errors, path, 7, "`reason` is missing");
    has(&errors, path, 10, "unknown key `outcom`");
    has(&errors, path, 10, "did you mean `outcome`?");
    has(&errors, path, 9, "`outcome` is missing");
    has(&errors, path, 12, "unknown key `other`");

    let json = "{\"expect\": {\"a/b\": {\"outcome\": \"fail\", \"reason\": \"r\"},\n \"c/d\": {\"outcome\": 3, \"reason\": \"r\"}}}";
    let errors = parse_baseline(Path::new("b.json"), json).unwrap_err();
    has(
        &errors,
        Path::new("b.json"),
        2,
        "`outcome` must be a string",
    );
}

#[test]
fn target_with_broken_baseline_fails_validation() {
    let dir = workdir();
    std::fs::write(
        dir.path().join("acme.baseline.toml"),
        "[expect.\"x/y\"]\noutcome = \"nope\"\nreason = \"r\"\n",
    )
    .unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "name = \"b\"\nprofile = \"vendor.toml\"\nissuer = \"https://idp.example\"\nbaseline = \"acme.baseline.toml\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n",
    )
    .unwrap();
    let errors = validate_target(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("acme.baseline.toml:2:"), "{errors:?}");
    assert!(errors[0].contains("unknown outcome `nope`"));
}

#[test]
fn command_placeholders_and_role_names_are_checked() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    let text = r#"name = "c"
profile = "vendor.toml"
issuer = "https://idp.example"
[clients.main]
id = "m"
auth = "none"
[clients.main.grant]
kind = "command"
command = ["./login.sh", "{{client.id}}", "--scope={{scopes}}", "{{ issuer }}"]
[clients."my client"]
id = "x"
auth = "none"
"#;
    let errors = parse_target(&path, text).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    has(
        &errors,
        &path,
        9,
        "unknown placeholder `{{scopes}}` (did you mean `scope`?)",
    );
    has(
        &errors,
        &path,
        10,
        "client role `my client` may contain only",
    );
}

#[test]
fn validation_reports_a_missing_baseline_file() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "name = \"b\"\nprofile = \"vendor.toml\"\nissuer = \"https://idp.example\"\nbaseline = \"nope.toml\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n",
    )
    .unwrap();
    let errors = validate_target(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    has(&errors, &path, 4, "cannot read the baseline file");
    assert_eq!(load_target(&path).unwrap_err().len(), 1);
}

#[test]
fn odd_shapes_are_located_not_panics() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    for (text, line, fragment) in [
        ("", 1, "needs `name`"),
        ("# only a comment\n", 1, "needs `profile`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nclients = 3\n", 4, "`clients` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nbehaviour = \"x\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "`behaviour` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[[clients]]\nid = \"m\"\n", 4, "must be a table, not an array"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\ngrant = \"password\"\n", 7, "`clients.main.grant` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example?x=1\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 3, "must not have a query"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"not a url\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 3, "is not a URL"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\ntimeout = \"0s\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "longer than zero"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nrate = 0\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "greater than zero"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[headers]\n\"Bad Header\" = \"v\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 5, "not a valid HTTP header name"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[scopes]\ngranted = \"a\"\nwider = \"b\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 6, "unknown key `scopes.wider`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"authorization_code\"\nusername = \"u\"\npassword = { env = \"P\" }\n", 8, "emulator_control = true"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"password\"\ncommand = [\"x\"]\n", 7, "needs `username`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"password\"\ncommand = [\"x\"]\n", 9, "`command` is not used by grant kind `password`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"client_secret_basic\"\nsecret = { vault = \"kv/x\" }\n", 7, "unknown key `vault`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"client_secret_basic\"\nsecret = 12345\n", 7, "must be `secret = { env"),
    ] {
        let errors = parse_target(&path, text).unwrap_err();
        has(&errors, &path, line, fragment);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Dropping any lines of a good file never panics, and every problem is located.
    #[test]
    fn damaged_files_give_located_errors(drop in proptest::collection::vec(proptest::bool::weighted(0.2), 80)) {
        let dir = workdir();
        let path = dir.path().join("t.toml");
        let text: String = good_toml("RCT_PROP")
            .lines()
            .zip(drop.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, d)| !**d)
            .map(|(l, _)| format!("{l}\n"))
            .collect();
        if let Err(errors) = parse_target(&path, &text) {
            let prefix = format!("{}:", path.display());
            for e in errors {
                let rest = e.strip_prefix(&prefix).unwrap_or_else(|| panic!("unlocated: {e}"));
                let mut it = rest.splitn(3, ':');
                let line: usize = it.next().unwrap().parse().unwrap_or_else(|_| panic!("no line: {e}"));
                let col: usize = it.next().unwrap().parse().unwrap_or_else(|_| panic!("no column: {e}"));
                proptest::prop_assert!(line >= 1 && col >= 1);
            }
        }
    }
}
