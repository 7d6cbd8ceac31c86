//! `validate` through the binary on target files: `init`'s output validates
//! as printed, and a literal secret is refused with its location (exit 2).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_refresh-conformance");

#[test]
fn init_output_validates_and_a_literal_secret_does_not() {
    let dir = tempfile::tempdir().unwrap();
    for p in refresh_conformance::behaviour::builtin_profiles() {
        let out = Command::new(BIN)
            .args(["init", "--profile", &p.name])
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(dir.path().join(format!("{}.toml", p.name)), out.stdout).unwrap();
    }
    let out = Command::new(BIN)
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\nprofile = \"okta\"\ntoken_endpoint = \"http://127.0.0.1:1/t\"\n[clients.main]\nid = \"a\"\nauth = \"client_secret_basic\"\nsecret = \"literal\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("validate")
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml:7:10:") && err.contains("{ env = "),
        "{err}"
    );
    assert!(
        !err.contains("literal\""),
        "the secret's value is never echoed: {err}"
    );
}
