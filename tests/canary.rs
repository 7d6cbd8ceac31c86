//! Canary test over every artifact (docs/outcomes.md "Redaction"; after Hurl's).
//!
//! A `refresh-conformance emulate` child is configured (`--config`) with
//! canary client secrets and a canary user password; target files read them
//! from the environment, and the `jwt` client signs with a private key file
//! whose PEM is a canary too. `run` goes against that server as a live target
//! — once with `emulator_control` (virtual waits) and once as a plain live
//! target (real clock, long waits skipped) — with every output it has on,
//! and defects injected so that failures put redacted transcripts in the
//! reports. No artifact (console stdout and stderr, JUnit, the fingerprint,
//! HTML and summary files when `run` offers them, the emulator's own
//! stdout and stderr) may hold a canary in any encoding, nor anything shaped
//! like one of the emulator's token values (DPoP proofs, JWTs, included).

mod live_support;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Canaries with characters every encoding changes: space, `+`, `/`, `=`,
/// `:`, `&`, `%`, `"`, `\` and non-ASCII.
const MAIN_SECRET: &str = "CANARY main s3cret+/=:&%\"\\ é-0001";
const POST_SECRET: &str = "CANARY post s3cret+/=:&% ü-0002";
const OTHER_SECRET: &str = "CANARY other s3cret+/=:&% ß-0003";
const PASSWORD: &str = "CANARY alice pa55word+/=:&% ñ-0004";
/// A 3-character secret: every configured secret is redacted whatever its
/// length. Its characters never occur in base64, hex or a label, so finding
/// it raw is a leak, not a chance collision.
const SHORT_SECRET: &str = "q!@";
/// Random bytes per emulator token: 320 base64url characters, longer than
/// any excerpt or message cut, so a value cut before it was redacted shows.
const TOKEN_BYTES: usize = 240;

/// Every form of `value` that must not appear in an artifact.
fn encodings(value: &str) -> Vec<(String, String)> {
    let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    let mut out = vec![
        ("raw".to_string(), value.to_string()),
        ("form-urlencoded".to_string(), form.clone()),
        (
            "percent-encoded (%20)".to_string(),
            form.replace('+', "%20"),
        ),
        (
            "percent-encoded (all reserved)".to_string(),
            value
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect(),
        ),
        ("base64".to_string(), STANDARD.encode(value)),
        ("base64 unpadded".to_string(), STANDARD_NO_PAD.encode(value)),
        ("base64url".to_string(), URL_SAFE.encode(value)),
        (
            "base64url unpadded".to_string(),
            URL_SAFE_NO_PAD.encode(value),
        ),
        (
            "JSON-escaped".to_string(),
            serde_json::to_string(value)
                .unwrap()
                .trim_matches('"')
                .to_string(),
        ),
    ];
    // Multi-line values (PEM): every substantial line on its own.
    for (i, line) in value.lines().enumerate() {
        if line.len() >= 16 && !line.starts_with("-----") {
            out.push((format!("line {}", i + 1), line.to_string()));
        }
    }
    out
}

/// The Basic header credential RFC 6749 §2.3.1 builds for `id`/`secret`.
fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
}

/// A piece of an emulator token (TOKEN_BYTES random bytes, base64url; app.rs
/// `mint`), whole or cut: 40 or more base64url characters in a row. A PKCE
/// challenge (43 characters of a SHA-256) and the preflight's bogus token
/// (preflight.rs) are no credentials.
fn token_shaped(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"[A-Za-z0-9_-]{40,}").unwrap();
    re.find_iter(text)
        .filter(|m| !text[..m.start()].ends_with("code_challenge="))
        .filter(|m| !m.as_str().starts_with("refresh-conformance-preflight-"))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// A JWT (an id_token, a client assertion), whole or cut after its payload
/// began: every one the suite sees or makes is a credential.
fn jwt_shaped(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]*").unwrap();
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

/// The 3-character secret in the forms a request carries it.
fn short_secret_forms() -> Vec<(String, String)> {
    let form: String = url::form_urlencoded::byte_serialize(SHORT_SECRET.as_bytes()).collect();
    vec![
        ("raw".into(), SHORT_SECRET.into()),
        ("form-urlencoded".into(), form),
        ("Basic".into(), basic("short", SHORT_SECRET)),
    ]
}

/// Every leak in `artifacts` (name → text): which canary, which form, where.
fn scan(artifacts: &BTreeMap<String, String>, canaries: &[(&str, String)]) -> Vec<String> {
    let mut leaks = Vec::new();
    for (artifact, text) in artifacts {
        for (name, value) in canaries {
            for (form, encoded) in encodings(value) {
                if encoded.len() >= 8 && text.contains(&encoded) {
                    leaks.push(format!("{artifact}: {name} ({form})"));
                }
            }
        }
        for (id, secret) in [
            ("main", MAIN_SECRET),
            ("post", POST_SECRET),
            ("other", OTHER_SECRET),
        ] {
            let b = basic(id, secret);
            if text.contains(&b) || text.contains(b.trim_end_matches('=')) {
                leaks.push(format!("{artifact}: Basic credential of `{id}`"));
            }
        }
        for t in token_shaped(text) {
            leaks.push(format!(
                "{artifact}: a token-shaped value {}… ({} characters)",
                &t[..6],
                t.len()
            ));
        }
        for t in jwt_shaped(text) {
            leaks.push(format!("{artifact}: a JWT {}…", &t[..12]));
        }
        for (form, v) in short_secret_forms() {
            if text.contains(&v) {
                leaks.push(format!("{artifact}: the 3-character secret ({form})"));
            }
        }
    }
    leaks
}

fn canaries() -> Vec<(&'static str, String)> {
    vec![
        ("main secret", MAIN_SECRET.to_string()),
        ("post secret", POST_SECRET.to_string()),
        ("other secret", OTHER_SECRET.to_string()),
        ("password", PASSWORD.to_string()),
        (
            "private key",
            std::fs::read_to_string(repo("keys/jwt-client.test-only.pem")).unwrap(),
        ),
    ]
}

#[test]
fn the_scan_finds_every_planted_form() {
    let canaries = canaries();
    for (name, value) in &canaries {
        for (form, encoded) in encodings(value) {
            let artifacts = BTreeMap::from([(
                "planted".to_string(),
                format!("<x>before {encoded} after</x>"),
            )]);
            assert!(
                !scan(&artifacts, &canaries).is_empty(),
                "{name} ({form}) planted but not found"
            );
        }
    }
    let planted = format!("authorization: Basic {}", basic("main", MAIN_SECRET));
    let artifacts = BTreeMap::from([("planted".to_string(), planted)]);
    assert!(!scan(&artifacts, &canaries).is_empty());
    let token = URL_SAFE_NO_PAD.encode([7u8; 32]);
    let artifacts = BTreeMap::from([(
        "planted".to_string(),
        format!("{{\"refresh_token\":\"{token}\"}}"),
    )]);
    assert_eq!(scan(&artifacts, &canaries).len(), 1);
    let long = URL_SAFE_NO_PAD.encode([9u8; TOKEN_BYTES]);
    for cut in [40, 120, 200, long.len()] {
        let artifacts = BTreeMap::from([("planted".to_string(), long[..cut].to_string())]);
        assert_eq!(
            scan(&artifacts, &canaries).len(),
            1,
            "a {cut}-character cut"
        );
    }
    let jwt = format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(r#"{"sub":"x"}"#)
    );
    let artifacts = BTreeMap::from([("planted".to_string(), format!("id_token={jwt}"))]);
    assert!(!scan(&artifacts, &canaries).is_empty(), "a JWT");
    for (form, v) in short_secret_forms() {
        let artifacts = BTreeMap::from([("planted".to_string(), format!("a {v} b"))]);
        assert!(
            !scan(&artifacts, &canaries).is_empty(),
            "short secret ({form})"
        );
    }
    // Labels and PKCE challenges are no leak.
    let artifacts = BTreeMap::from([(
        "clean".to_string(),
        format!("refresh_token=‹rt:grant›&code_challenge={token}&secret=‹secret:main›"),
    )]);
    assert!(scan(&artifacts, &canaries).is_empty());
}

fn emulator_config(dir: &Path) -> String {
    let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
    let text = format!(
        r#"[[clients]]
role = "main"
id = "main"
auth = "client_secret_basic"
secret = {main}
redirect_uris = ["http://127.0.0.1/callback"]
[[clients]]
role = "post"
id = "post"
auth = "client_secret_post"
secret = {post}
redirect_uris = ["http://127.0.0.1/callback"]
[[clients]]
role = "other"
id = "other"
auth = "client_secret_basic"
secret = {other}
redirect_uris = ["http://127.0.0.1/callback"]
[[clients]]
role = "short"
id = "short"
auth = "client_secret_post"
secret = {short}
redirect_uris = ["http://127.0.0.1/callback"]
[[clients]]
role = "public"
id = "public"
auth = "none"
redirect_uris = ["http://127.0.0.1/callback"]
[[clients]]
role = "jwt"
id = "jwt"
auth = "private_key_jwt"
public_key_file = {pubkey}
redirect_uris = ["http://127.0.0.1/callback"]
[[users]]
username = "alice"
password = {password}

[tokens]
bytes = {TOKEN_BYTES}
"#,
        short = toml_str(SHORT_SECRET),
        main = toml_str(MAIN_SECRET),
        post = toml_str(POST_SECRET),
        other = toml_str(OTHER_SECRET),
        password = toml_str(PASSWORD),
        pubkey = toml_str(
            &repo("keys/jwt-client.test-only.pub.pem")
                .display()
                .to_string()
        ),
    );
    write_file(dir, "emulator.toml", &text)
}

/// The `public` client needs the authorization_code source, which only an
/// `emulator_control` target may use.
const PUBLIC: &str = r#"
[clients.public]
id = "public"
auth = "none"
dpop = true

[clients.public.grant]
kind = "authorization_code"
username = "alice"
password = { env = "CANARY_PASSWORD" }
"#;

const SHARED: &str = r#"
[clients.other]
id = "other"
auth = "client_secret_basic"
secret = { env = "CANARY_OTHER_SECRET" }

[clients.other.grant]
kind = "password"
username = "alice"
password = { env = "CANARY_PASSWORD" }
"#;

/// Four targets on one server: main as basic (password grant, DPoP), as post
/// (command grant), as private_key_jwt (authorization_code grant), as post
/// with a 3-character secret (password grant).
fn targets(dir: &Path, base: &str, virtual_clock: bool, tag: &str) -> Vec<String> {
    let key = repo("keys/jwt-client.test-only.pem");
    let script = repo("tests/data/grant/password-grant.sh");
    let mains = [
        (
            "basic",
            "id = \"main\"\nauth = \"client_secret_basic\"\nsecret = { env = \"CANARY_MAIN_SECRET\" }\ndpop = true\n\n[clients.main.grant]\nkind = \"password\"\nusername = \"alice\"\npassword = { env = \"CANARY_PASSWORD\" }".to_string(),
        ),
        (
            "post",
            format!(
                "id = \"post\"\nauth = \"client_secret_post\"\nsecret = {{ env = \"CANARY_POST_SECRET\" }}\n\n[clients.main.grant]\nkind = \"command\"\ncommand = [\"{}\", \"{{{{token_endpoint}}}}\", \"{{{{client.id}}}}\", \"{{{{scope}}}}\"]",
                script.display()
            ),
        ),
        (
            "jwt",
            format!(
                "id = \"jwt\"\nauth = \"private_key_jwt\"\nkey = {{ file = \"{}\" }}\nkid = \"jwt-test-only\"\n\n[clients.main.grant]\nkind = \"{}\"\nusername = \"alice\"\npassword = {{ env = \"CANARY_PASSWORD\" }}",
                key.display(),
                if virtual_clock { "authorization_code" } else { "password" }
            ),
        ),
        (
            "short",
            "id = \"short\"\nauth = \"client_secret_post\"\nsecret = { env = \"CANARY_SHORT_SECRET\" }\n\n[clients.main.grant]\nkind = \"password\"\nusername = \"alice\"\npassword = { env = \"CANARY_PASSWORD\" }".to_string(),
        ),
    ];
    mains
        .iter()
        .map(|(kind, main)| {
            let name = format!("canary-{tag}-{kind}");
            let text = format!(
                "name = \"{name}\"\nprofile = \"okta\"\nissuer = \"{base}\"\nemulator_control = {virtual_clock}\n\n[behaviour]\nscope_on_refresh = \"honoured\"\nintrospects_refresh_tokens = true\nrevocation_revokes_access_tokens = true\n\n[clients.main]\n{main}\n{SHARED}{}",
                if virtual_clock { PUBLIC } else { "" }
            );
            write_file(dir, &format!("{name}.toml"), &text)
        })
        .collect()
}

fn env() -> BTreeMap<String, String> {
    env_of(&[
        ("CANARY_MAIN_SECRET", MAIN_SECRET),
        ("CANARY_POST_SECRET", POST_SECRET),
        ("CANARY_OTHER_SECRET", OTHER_SECRET),
        ("CANARY_PASSWORD", PASSWORD),
        ("CANARY_SHORT_SECRET", SHORT_SECRET),
        ("GRANT_CLIENT_SECRET", POST_SECRET),
        ("GRANT_PASSWORD", PASSWORD),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ])
}

/// Report flags `run` offers in this build, each with the file it writes.
fn report_flags(dir: &Path, tag: &str) -> Vec<(String, std::path::PathBuf)> {
    let help = cli(&["run", "--help"], &BTreeMap::new()).stdout;
    let mut out = vec![("--junit".to_string(), dir.join(format!("{tag}.junit.xml")))];
    for (flag, ext) in [
        ("--fingerprint", "fingerprint.toml"),
        ("--html", "html"),
        ("--summary", "summary.md"),
    ] {
        if help.contains(flag) {
            out.push((flag.to_string(), dir.join(format!("{tag}.{ext}"))));
        }
    }
    out
}

fn run_and_collect(
    dir: &Path,
    targets: &[String],
    tag: &str,
    extra: &[&str],
    artifacts: &mut BTreeMap<String, String>,
) {
    let flags = report_flags(dir, tag);
    let mut args: Vec<String> = vec!["run".into()];
    for t in targets {
        args.push("--target".into());
        args.push(t.clone());
    }
    for (flag, path) in &flags {
        args.push(flag.clone());
        args.push(path.display().to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(&argv, &env());
    // The defects make trials fail: failures print their redacted transcripts.
    assert_eq!(out.code, 1, "{}", out.both());
    assert!(out.stdout.contains("FAIL"), "{}", out.stdout);
    assert!(out.stdout.contains("‹secret:main›") || out.stdout.contains("‹basic:main›"));
    // The DPoP clients' failures show their proofs, as labels (no JWT survives: `scan`).
    assert!(out.stdout.contains("‹dpop:"), "{}", out.stdout);
    artifacts.insert(format!("{tag} stdout"), out.stdout);
    artifacts.insert(format!("{tag} stderr"), out.stderr);
    for (flag, path) in flags {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{flag} {}: {e}", path.display()));
        assert!(!text.is_empty(), "{flag}");
        artifacts.insert(format!("{tag} {flag}"), text);
    }
}

#[test]
fn no_canary_reaches_any_artifact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let config = emulator_config(d);
    // Defects whose failures show the requests that carry the credentials:
    // every refresh (no Cache-Control), both methods at once, credentials in
    // the query string, and an id_token that fails its signature check.
    let emu = Emulator::start(
        "okta",
        &[
            "--config",
            &config,
            "--defect",
            "no-cache-control",
            "--defect",
            "two-auth-methods-accepted",
            "--defect",
            "query-credentials-accepted",
            "--defect",
            "id-token-bad-signature",
            "--defect",
            "dpop-htu-ignored",
        ],
    );
    let base = emu.base_url.clone();
    let mut artifacts = BTreeMap::new();

    // emulate-as-live: waits advance the emulator's virtual clocks.
    let t = targets(d, &base, true, "virtual");
    run_and_collect(d, &t, "virtual", &[], &mut artifacts);
    // An id_token is shown as its label and decoded claims, never as itself.
    let stdout = &artifacts["virtual stdout"];
    assert!(
        stdout.contains("(id_token ‹idt:") && stdout.contains("claims, signature dropped: {"),
        "{stdout}"
    );
    // The plain live path, as against a real IdP: real clock, long waits skipped.
    let t = targets(d, &base, false, "live");
    run_and_collect(
        d,
        &t,
        "live",
        &["--max-wait", "1s", "--clock-skew", "0s"],
        &mut artifacts,
    );
    // A wrong secret: the preflight's error message and exchange are redacted too.
    let mut wrong = env();
    wrong.insert("CANARY_MAIN_SECRET".into(), format!("{MAIN_SECRET}-wrong"));
    let t = targets(d, &base, true, "wrong");
    let out = cli(&["run", "--target", &t[0], "rotation/"], &wrong);
    assert_eq!(out.code, 3, "{}", out.both());
    assert!(out
        .stdout
        .contains("preflight refresh with a bogus token answered invalid_client"));
    artifacts.insert("wrong-secret stdout".into(), out.stdout);
    artifacts.insert("wrong-secret stderr".into(), out.stderr);
    // --list.
    let out = cli(&["run", "--list", "--target", &t[0]], &env());
    assert_eq!(out.code, 0, "{}", out.both());
    artifacts.insert("list".into(), out.both());

    let (stdout, stderr) = emu.stop();
    artifacts.insert("emulator stdout".into(), stdout.clone());
    artifacts.insert("emulator stderr".into(), stderr);

    let leaks = scan(&artifacts, &canaries());
    assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
    // The banner says where the credentials come from instead.
    assert!(stdout.contains("secret from --config"), "{stdout}");
}
