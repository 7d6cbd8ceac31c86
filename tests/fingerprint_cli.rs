//! `run --fingerprint` through the binary: the first run records, an
//! identical run reports no drift, a changed behaviour reports exactly that
//! drift and fails unless --accept-drift, and under CI a missing file is an error.

use std::process::Command;

fn run(dir: &std::path::Path, extra: &[&str], ci: bool) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_refresh-conformance"));
    c.current_dir(dir)
        .args([
            "run",
            "-q",
            "--target",
            "emulated:okta",
            "--fingerprint",
            "fp.json",
        ])
        .args(extra);
    c.env_remove("CI");
    if ci {
        c.env("CI", "true");
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn drift_is_reported_exactly_and_only_accepted_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run(dir.path(), &[], true);
    assert_eq!(
        code, 2,
        "CI without a committed fingerprint is an input error: {err}"
    );
    assert!(err.contains("commit it first"), "{err}");
    assert!(!dir.path().join("fp.json").exists());

    let (code, err) = run(dir.path(), &[], false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recorded"), "{err}");
    let recorded = std::fs::read_to_string(dir.path().join("fp.json")).unwrap();

    let (code, err) = run(dir.path(), &[], true);
    assert_eq!(code, 0, "an identical run has no drift: {err}");
    assert!(!err.contains("drift"), "{err}");

    // Rotation off: exactly the rotation observations change.
    let (code, err) = run(dir.path(), &["--defect", "no-new-refresh-token"], false);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("new_refresh_token: new → same"), "{err}");
    let changed: Vec<&str> = err.lines().filter(|l| l.contains(" → ")).collect();
    assert!(!changed.is_empty());
    // Outside the areas whose steps build on rotation, only the rotation
    // observation itself changes.
    for l in &changed {
        let dependent = ["/rotation/", "/revocation/", "/expiry/", "/scope/"]
            .iter()
            .any(|a| l.contains(a));
        assert!(
            dependent || l.contains("new_refresh_token: new → same"),
            "an unrelated change: {l}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fp.json")).unwrap(),
        recorded,
        "drift never rewrites without --accept-drift"
    );

    // A filtered run never rewrites it, even with --accept-drift.
    let (_, _) = run(
        dir.path(),
        &[
            "--defect",
            "no-new-refresh-token",
            "--accept-drift",
            "rotation/",
        ],
        false,
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fp.json")).unwrap(),
        recorded
    );

    let (code, err) = run(
        dir.path(),
        &["--defect", "no-new-refresh-token", "--accept-drift"],
        false,
    );
    assert_eq!(
        code, 1,
        "the defect still fails its scenarios, but the drift is accepted: {err}"
    );
    assert!(err.contains("drift accepted"), "{err}");
    assert_ne!(
        std::fs::read_to_string(dir.path().join("fp.json")).unwrap(),
        recorded
    );
}
