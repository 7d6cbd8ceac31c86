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
        // client/public-refresh-token-protected checks rotation itself (RFC 9700 §4.14.2).
        let dependent = [
            "/rotation/",
            "/revocation/",
            "/expiry/",
            "/scope/",
            "/client/public-refresh-token-protected:",
        ]
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

/// Drift fails the run, so it shows in every report: failing `drift`
/// testcases in JUnit (valid against the schema), the summary's headline, a
/// section of the HTML and its JSON. (JUnit showed 0 failures, the summary
/// said passed and the HTML said nothing, while the run exited 1.)
#[test]
fn drift_appears_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, err) = run(d, &[], false);
    assert_eq!(code, 0, "{err}");
    // Pretend the tenant used to answer differently: one recorded observation changed.
    let fp = std::fs::read_to_string(d.join("fp.json")).unwrap();
    let old = "\"grant.status\": \"200\"";
    assert!(fp.contains(old));
    std::fs::write(
        d.join("fp.json"),
        fp.replacen(old, "\"grant.status\": \"201\"", 1),
    )
    .unwrap();
    let reports = ["--junit", "j.xml", "--html", "r.html", "--summary", "s.md"];
    let (code, err) = run(d, &reports, false);
    assert_eq!(code, 1, "drift fails the run: {err}");

    let xml = std::fs::read_to_string(d.join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("failures"), Some("1"), "{xml}");
    let drift = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("drift"))
        .expect("a drift testcase");
    assert_eq!(drift.attribute("classname"), Some("emulated-okta"));
    let failure = drift
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("drift"));
    assert!(
        failure
            .text()
            .unwrap_or("")
            .contains("grant.status: 201 → 200"),
        "{xml}"
    );
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok()
    {
        let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/junit-10.xsd");
        let ok = std::process::Command::new("xmllint")
            .args(["--noout", "--schema", schema])
            .arg(d.join("j.xml"))
            .status()
            .unwrap();
        assert!(ok.success(), "the JUnit file is valid with drift in it");
    }

    let summary = std::fs::read_to_string(d.join("s.md")).unwrap();
    let headline = summary.lines().find(|l| l.contains("trial(s)")).unwrap();
    assert!(
        headline.contains("behaviour drift") && !headline.contains("passed"),
        "{headline}"
    );
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    assert!(
        html.contains("Behaviour drift: 1 change(s)"),
        "no drift section in the HTML"
    );
    let json = std::fs::read_to_string(d.join("r.json")).unwrap();
    assert!(json.contains("\"drift\""), "no drift in the HTML's data");
}
