//! Bad target files: every problem reported, located, naming the key and
//! the variable or file involved, never a secret.

use super::*;

/// The error located at `line` that contains `fragment`.
pub(crate) fn has(errors: &[String], path: &Path, line: usize, fragment: &str) {
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
