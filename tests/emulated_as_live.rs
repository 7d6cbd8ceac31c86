//! Emulated-as-live equality (issue 5's done-when): `refresh-conformance
//! emulate` runs as a real child process, target files describe it the way a
//! user describes a live tenant — every client authentication method and
//! every grant source — and `run --target FILE` must reach the same verdict
//! on every scenario as the in-process `emulated:okta` target, except where a
//! grant source's or client's capabilities make a scenario inapplicable (each
//! exception is listed below with its reason).
//!
//! The target files set `emulator_control = true`, so waits advance the
//! emulator's virtual clocks instead of sleeping; they state the profile's
//! `unverified` values in `[behaviour]` (on a live target those count as
//! unknown until the target states them).

mod live_support;

use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;

const PROFILE: &str = "okta";

/// Okta's unverified values, stated as a tenant owner would after checking them.
const BEHAVIOUR: &str = r#"
[behaviour]
refresh_token_for_client_credentials = false
scope_on_refresh = "honoured"
introspects_refresh_tokens = true
revocation_revokes_access_tokens = true
"#;

/// The `other` (basic) and `public` (none, authorization_code) clients every file shares.
const OTHER_AND_PUBLIC: &str = r#"
[clients.other]
id = "other"
auth = "client_secret_basic"
secret = { env = "LIVE_OTHER_SECRET" }

[clients.other.grant]
kind = "password"
username = "alice"
password = { env = "LIVE_PASSWORD" }

[clients.public]
id = "public"
auth = "none"

[clients.public.grant]
kind = "authorization_code"
username = "alice"
password = { env = "LIVE_PASSWORD" }
"#;

/// Endpoints by discovery (`issuer`), or written out.
fn endpoints(base: &str, discover: bool) -> String {
    if discover {
        format!("issuer = \"{base}\"\n")
    } else {
        format!(
            "token_endpoint = \"{base}/oauth2/token\"\nrevocation_endpoint = \"{base}/oauth2/revoke\"\n\
             introspection_endpoint = \"{base}/oauth2/introspect\"\nauthorization_endpoint = \"{base}/oauth2/authorize\"\n\
             jwks_uri = \"{base}/oauth2/jwks\"\n"
        )
    }
}

fn target(dir: &Path, name: &str, base: &str, discover: bool, main: &str) -> String {
    let text = format!(
        "name = \"{name}\"\nprofile = \"{PROFILE}\"\n{}emulator_control = true\n{BEHAVIOUR}\n{main}\n{OTHER_AND_PUBLIC}",
        endpoints(base, discover)
    );
    write_file(dir, &format!("{name}.toml"), &text)
}

fn secrets() -> BTreeMap<String, String> {
    env_of(&[
        ("LIVE_MAIN_SECRET", "main-secret"),
        ("LIVE_OTHER_SECRET", "other-secret"),
        ("LIVE_POST_SECRET", "post-secret"),
        ("LIVE_PASSWORD", "alice-password"),
        // For the command grant source's script.
        ("GRANT_CLIENT_SECRET", "post-secret"),
        ("GRANT_PASSWORD", "alice-password"),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ])
}

/// Scenario id → verdict of `target` in a JUnit file's verdicts.
fn of(
    all: &BTreeMap<String, (Verdict, String)>,
    target: &str,
) -> BTreeMap<String, (Verdict, String)> {
    let prefix = format!("{target}/");
    all.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(&prefix)
                .map(|id| (id.to_string(), v.clone()))
        })
        .collect()
}

/// Why a live target's verdict may differ from the in-process emulator's:
/// only a skip, and only for a capability the target's client or grant
/// source lacks. Returns the explanation, or None when the difference is a bug.
fn allowed(target: &str, id: &str, live: &(Verdict, String)) -> Option<&'static str> {
    if live.0 != Verdict::Skip {
        return None;
    }
    let reason = &live.1;
    match target {
        // private_key_jwt has no secret: a scenario sending the client's secret
        // another way (both methods at once) cannot be built. (The query-string
        // one is opt-in and does not run here.)
        "live-jwt"
            if reason.contains("needs a client secret; client `main` has none")
                && id == "client/two-auth-methods-refused" =>
        {
            Some("a private_key_jwt client has no secret to send another way")
        }
        // The scenario sends the password grant itself, with the username of
        // a password grant source; these main clients get grants another way.
        "live-post" | "live-jwt"
            if reason.contains("not the password grant")
                && id == "errors/wrong-password-invalid-grant" =>
        {
            Some("the main client's grant source is not the password grant")
        }
        _ => None,
    }
}

#[test]
fn a_target_file_for_an_emulate_server_gets_the_in_process_verdicts() {
    let emu = Emulator::start(PROFILE, &[]);
    let base = emu.base_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [basic, post, jwt] = three_targets(d, &base);
    let junit = d.join("junit.xml");
    let out = cli(
        &[
            "run",
            "--target",
            &format!("emulated:{PROFILE}"),
            "--target",
            &basic,
            "--target",
            &post,
            "--target",
            &jwt,
            "--junit",
            junit.to_str().unwrap(),
        ],
        &secrets(),
    );
    assert_eq!(out.code, 0, "{}", out.both());
    let all = junit_verdicts(&std::fs::read_to_string(&junit).unwrap());
    let reference = of(&all, &format!("emulated-{PROFILE}"));
    assert!(reference.len() > 50, "{reference:#?}");
    assert!(
        reference.values().filter(|v| v.0 == Verdict::Pass).count() > 30,
        "{reference:#?}"
    );
    the_same_verdicts_as_in_process(&all, &reference);
    a_seed_serves_one_trial(d, &base, &reference);
    emu.stop();
}

/// A target file per client authentication method, each with another grant source.
fn three_targets(d: &Path, base: &str) -> [String; 3] {
    let base = base.to_string();
    let key = repo("keys/jwt-client.test-only.pem");
    let script = repo("tests/data/grant/password-grant.sh");

    // client_secret_basic + password grant, endpoints by discovery.
    let basic = target(
        d,
        "live-basic",
        &base,
        true,
        r#"[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { env = "LIVE_MAIN_SECRET" }

[clients.main.grant]
kind = "password"
username = "alice"
password = { env = "LIVE_PASSWORD" }"#,
    );
    // client_secret_post + a command grant source (curl does the password grant).
    let post = target(
        d,
        "live-post",
        &base,
        false,
        &format!(
            r#"[clients.main]
id = "post"
auth = "client_secret_post"
secret = {{ env = "LIVE_POST_SECRET" }}

[clients.main.grant]
kind = "command"
command = ["{}", "{{{{token_endpoint}}}}", "{{{{client.id}}}}", "{{{{scope}}}}"]"#,
            script.display()
        ),
    );
    // private_key_jwt + the authorization_code grant source (emulator_control only).
    let jwt = target(
        d,
        "live-jwt",
        &base,
        true,
        &format!(
            r#"[clients.main]
id = "jwt"
auth = "private_key_jwt"
key = {{ file = "{}" }}
alg = "ES256"
kid = "jwt-test-only"

[clients.main.grant]
kind = "authorization_code"
username = "alice"
password = {{ env = "LIVE_PASSWORD" }}"#,
            key.display()
        ),
    );
    [basic, post, jwt]
}

/// Each live target gets the in-process verdict on every scenario, but for
/// the listed exceptions.
fn the_same_verdicts_as_in_process(
    all: &BTreeMap<String, (Verdict, String)>,
    reference: &BTreeMap<String, (Verdict, String)>,
) {
    let mut problems = Vec::new();
    let mut explained = Vec::new();
    for name in ["live-basic", "live-post", "live-jwt"] {
        let live = of(all, name);
        assert_eq!(
            live.keys().collect::<Vec<_>>(),
            reference.keys().collect::<Vec<_>>(),
            "{name}: the same scenarios ran"
        );
        for (id, want) in reference {
            let got = &live[id];
            if got.0 == want.0 {
                continue;
            }
            match allowed(name, id, got) {
                Some(why) => explained.push(format!("{name}/{id}: {why}")),
                None => problems.push(format!(
                    "{name}/{id}: {:?} ({}) but in-process {:?} ({})",
                    got.0, got.1, want.0, want.1
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The listed exceptions are real (none is dead code in `allowed`).
    assert_eq!(explained.len(), 3, "{explained:#?}");
}

/// refresh_token_env: seeded from a grant made here; a seed serves one
/// family, so of two scenarios needing a grant exactly one runs.
fn a_seed_serves_one_trial(d: &Path, base: &str, reference: &BTreeMap<String, (Verdict, String)>) {
    let base = base.to_string();
    let seed = seed_token(&base);
    let seeded = target(
        d,
        "live-seed",
        &base,
        true,
        r#"[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { env = "LIVE_MAIN_SECRET" }

[clients.main.grant]
kind = "refresh_token_env"
env = "LIVE_SEED""#,
    );
    let mut env = secrets();
    env.insert("LIVE_SEED".into(), seed.clone());
    let junit = d.join("seed.xml");
    // Two scenarios a seed can serve (their grant step expects only a refresh
    // token), and one it cannot (it expects the grant's access token).
    let two = [
        "rotation/unrotated-token-keeps-working",
        "errors/get-refused",
    ];
    let needs_access_token = "refresh/new-access-token";
    let out = cli(
        &[
            "run",
            "--target",
            &seeded,
            "--junit",
            junit.to_str().unwrap(),
            "--exact",
            &format!("live-seed/{}", two[0]),
            &format!("live-seed/{}", two[1]),
            &format!("live-seed/{needs_access_token}"),
        ],
        &env,
    );
    assert_eq!(out.code, 0, "{}", out.both());
    assert!(!out.both().contains(&seed), "the seed token is redacted");
    let mut live = of(
        &junit_verdicts(&std::fs::read_to_string(&junit).unwrap()),
        "live-seed",
    );
    assert_eq!(live.len(), 3, "{live:#?}");
    let (v, why) = live.remove(needs_access_token).unwrap();
    assert_eq!(v, Verdict::Skip);
    assert!(
        why.contains("expects `access_token` in the grant response; client `main`'s grant source (refresh_token_env) supplies only a refresh token"),
        "{why}"
    );
    let (ran, skipped): (Vec<_>, Vec<_>) = live.iter().partition(|(_, v)| v.0 != Verdict::Skip);
    assert_eq!(ran.len(), 1, "{live:#?}");
    assert_eq!(skipped.len(), 1, "{live:#?}");
    let (id, v) = ran[0];
    assert_eq!(v.0, reference[id].0, "{id}: the seeded trial's verdict");
    assert_eq!(v.0, Verdict::Pass, "{id}");
    assert!(
        skipped[0].1 .1.contains(
            "client `main`'s grant source (refresh_token_env) is not repeatable: only one trial can use the seed token"
        ),
        "{live:#?}"
    );
}

/// A refresh token for `main` from the emulator, as a user would obtain one.
fn seed_token(base: &str) -> String {
    let out = std::process::Command::new("curl")
        .args([
            "-sS",
            "--fail-with-body",
            "--noproxy",
            "*",
            "-u",
            "main:main-secret",
        ])
        .args(["--data-urlencode", "grant_type=password"])
        .args(["--data-urlencode", "username=alice"])
        .args(["--data-urlencode", "password=alice-password"])
        .args([
            "--data-urlencode",
            "scope=openid offline_access profile read",
        ])
        .arg(format!("{base}/oauth2/token"))
        .output()
        .expect("curl");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    v["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_string()
}
