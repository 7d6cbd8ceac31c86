//! `refresh-conformance probe` through the binary against an `emulate`
//! child (no control endpoint): a clean tenant agrees with its profile line
//! by line, a broken one shows the line that differs, and a probe that
//! cannot go on says whose trouble it is with its exit code. No secret is
//! printed.

mod live_support;

use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;

const PROFILE: &str = "ory-hydra";

fn env(password: &str) -> BTreeMap<String, String> {
    env_of(&[
        ("PROBE_MAIN_SECRET", "main-secret"),
        ("PROBE_OTHER_SECRET", "other-secret"),
        ("PROBE_PASSWORD", password),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ])
}

fn target(dir: &Path, endpoints: &str) -> String {
    let text = format!(
        r#"name = "probed"
profile = "{PROFILE}"
{endpoints}

[grant]
kind = "password"
username = "alice"
password = {{ env = "PROBE_PASSWORD" }}

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = {{ env = "PROBE_MAIN_SECRET" }}

[clients.other]
id = "other"
auth = "client_secret_basic"
secret = {{ env = "PROBE_OTHER_SECRET" }}
"#
    );
    write_file(dir, "probed.toml", &text)
}

fn probe(path: &str, extra: &[&str], password: &str) -> RunOutput {
    let mut args = vec!["probe", "--target", path, "--max-wait", "3s"];
    args.extend(extra);
    let out = cli(&args, &env(password));
    for secret in ["main-secret", "other-secret", "alice-password"] {
        assert!(
            !out.both().contains(secret),
            "{secret} printed: {}",
            out.both()
        );
    }
    out
}

/// The block's line for `key` (stated or commented out).
fn line<'a>(block: &'a str, key: &str) -> &'a str {
    block
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("# {key} ")))
        .unwrap_or_else(|| panic!("no line for {key}:\n{block}"))
}

#[test]
fn a_clean_tenant_agrees_with_its_profile_and_the_block_pastes_into_the_target() {
    let emu = Emulator::start(PROFILE, &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = target(dir.path(), &format!("issuer = \"{}\"", emu.base_url));
    let out = probe(&path, &[], "alice-password");
    assert_eq!(out.code, 0, "{}", out.both());
    let block = &out.stdout;
    assert!(!block.contains("differs"), "{block}");
    for (key, value) in [
        ("new_refresh_token", "\"always\""),
        ("previous_refresh_token", "\"invalidated\""),
        ("refresh_token_max_reuse", "0"),
        ("reuse_detection", "true"),
        ("offline_access_required", "true"),
        ("scope_on_refresh", "\"ignored\""),
        ("id_token_on_refresh", "\"when_openid_requested\""),
        ("introspects_refresh_tokens", "true"),
        ("revocation_revokes_access_tokens", "true"),
    ] {
        let l = line(block, key);
        assert!(
            l.starts_with(&format!("{key} = {value}  # seen: "))
                && l.contains("; agrees with the profile ("),
            "{l}"
        );
    }
    // What cannot be seen is commented out, with the reason.
    assert!(line(block, "refresh_token_idle_ttl").starts_with("# refresh_token_idle_ttl = "));
    assert!(line(block, "grace_period")
        .contains("not seen: the previous token was refused once rotated"));
    // Pasted as printed, the target file still validates.
    let text = std::fs::read_to_string(&path).unwrap() + "\n" + block;
    std::fs::write(&path, text).unwrap();
    let v = cli(&["validate", &path], &env("alice-password"));
    assert_eq!(v.code, 0, "{}", v.both());
    emu.stop();
}

#[test]
fn a_broken_tenant_shows_the_lines_that_differ_from_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let emu = Emulator::start(PROFILE, &["--defect", "previous-token-valid"]);
    let path = target(dir.path(), &format!("issuer = \"{}\"", emu.base_url));
    let out = probe(&path, &[], "alice-password");
    assert_eq!(out.code, 0, "{}", out.both());
    let l = line(&out.stdout, "previous_refresh_token");
    assert!(l.starts_with("previous_refresh_token = \"valid\"  # seen: the previous token was still accepted 3s after rotation"), "{l}");
    assert!(
        l.contains("differs: profile says invalidated (https://"),
        "{l}"
    );
    emu.stop();

    let emu = Emulator::start(
        PROFILE,
        &[
            "--defect",
            "no-reuse-detection",
            "--defect",
            "revocation-keeps-access-tokens",
        ],
    );
    let path = target(dir.path(), &format!("issuer = \"{}\"", emu.base_url));
    let out = probe(&path, &[], "alice-password");
    assert_eq!(out.code, 0, "{}", out.both());
    let l = line(&out.stdout, "reuse_detection");
    assert!(
        l.starts_with("reuse_detection = false  # seen: the newest refresh token still worked"),
        "{l}"
    );
    assert!(l.contains("differs: profile says true"), "{l}");
    let l = line(&out.stdout, "revocation_revokes_access_tokens");
    assert!(
        l.starts_with("revocation_revokes_access_tokens = false"),
        "{l}"
    );
    assert!(l.contains("differs: profile says true"), "{l}");
    emu.stop();
}

#[test]
fn a_refused_grant_is_the_idps_answer_and_exits_1() {
    let emu = Emulator::start(PROFILE, &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = target(dir.path(), &format!("issuer = \"{}\"", emu.base_url));
    let out = probe(&path, &[], "not-alices-password");
    assert_eq!(out.code, 1, "{}", out.both());
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("the grant was refused (400 invalid_grant)")
            && out.stderr.contains("the IdP's answer"),
        "{}",
        out.stderr
    );
    emu.stop();
}

#[test]
fn no_answer_is_harness_trouble_and_exits_3() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let path = target(
        dir.path(),
        &format!("token_endpoint = \"http://127.0.0.1:{port}/token\""),
    );
    let out = probe(&path, &[], "alice-password");
    assert_eq!(out.code, 3, "{}", out.both());
    assert!(
        out.stderr.contains("harness trouble, not the IdP's"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unknown_client_is_an_input_error_naming_the_clients() {
    let dir = tempfile::tempdir().unwrap();
    let path = target(dir.path(), "token_endpoint = \"http://127.0.0.1:9/token\"");
    let out = probe(&path, &["--client", "nope"], "alice-password");
    assert_eq!(out.code, 2, "{}", out.both());
    assert!(
        out.stderr
            .contains("--client nope: target `probed` has no such client (it has: main, other)"),
        "{}",
        out.stderr
    );
}

#[test]
fn another_client_is_probed_in_the_main_role() {
    let emu = Emulator::start(PROFILE, &[]);
    let dir = tempfile::tempdir().unwrap();
    let path = target(dir.path(), &format!("issuer = \"{}\"", emu.base_url));
    let out = probe(&path, &["--client", "other"], "alice-password");
    assert_eq!(out.code, 0, "{}", out.both());
    assert!(out.stdout.contains("client `other`"), "{}", out.stdout);
    assert!(
        line(&out.stdout, "new_refresh_token").contains("agrees"),
        "{}",
        out.stdout
    );
    emu.stop();
}
