//! JUnit output: parsed back, validated against the Jenkins xunit schema with
//! xmllint, every outcome kind, hostile strings, redaction.

use refresh_conformance::record::{FailKind, Outcome, TrialRecord};
use refresh_conformance::report::sample::{record, sample_records};
use refresh_conformance::report::{junit_xml, write_junit, Redactor};
use std::path::Path;
use std::process::Command;

/// Validates with `xmllint --schema tests/data/junit-10.xsd`. Without xmllint
/// this fails under `CI` and is skipped (with a note) otherwise.
fn validate(xml: &str) {
    let have = Command::new("xmllint").arg("--version").output().is_ok();
    if !have {
        if std::env::var_os("CI").is_some() {
            panic!("xmllint is required under CI (Debian: apt-get install libxml2-utils)");
        }
        eprintln!(
            "note: xmllint not found, schema validation skipped (apt-get install libxml2-utils)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint rejected the report:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        &xml[..xml.len().min(4000)]
    );
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"))
}

fn case<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    target: &str,
    scenario: &str,
) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("classname") == Some(target)
                && n.attribute("name") == Some(scenario)
        })
        .unwrap_or_else(|| panic!("no testcase {target}/{scenario}"))
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(tag))
}

fn text(n: roxmltree::Node<'_, '_>) -> String {
    n.text().unwrap_or("").to_string()
}

#[test]
fn every_outcome_kind() {
    let records = sample_records();
    let xml = junit_xml(&records, false, &Redactor::new());
    validate(&xml);
    let doc = parse(&xml);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("18"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        ["emulated-okta", "emulated-keycloak", "okta-staging"]
    );
    // okta-staging: one fail, one error, one skip, one warn (passing).
    let staging = suites[2];
    assert_eq!(staging.attribute("tests"), Some("6"));
    assert_eq!(staging.attribute("failures"), Some("1"));
    assert_eq!(staging.attribute("errors"), Some("1"));
    assert_eq!(staging.attribute("skipped"), Some("1"));

    // pass
    let pass = case(&doc, "emulated-okta", "rotation/new-token");
    assert!(child(pass, "failure").is_none() && child(pass, "error").is_none());
    let out = text(child(pass, "system-out").unwrap());
    assert!(out.starts_with("PASS"), "{out}");
    assert!(
        out.contains("clauses: rfc6749#6, rfc9700#4.14.2, seed:003"),
        "{out}"
    );
    assert_eq!(pass.attribute("time"), Some("0.012"));

    // fail: profile-mismatch, with clauses and the exchange
    let fail = case(&doc, "emulated-keycloak", "rotation/previous-token-refused");
    let f = child(fail, "failure").unwrap();
    assert_eq!(f.attribute("type"), Some("profile-mismatch"));
    assert!(f.attribute("message").unwrap().contains("still accepted"));
    let body = text(f);
    assert!(
        body.contains("clauses: rfc6749#6, rfc9700#4.14.2, seed:004"),
        "{body}"
    );
    assert!(body.contains("previous_refresh_token"), "{body}");
    assert!(body.contains("exchange #3"), "{body}");

    // fail: spec-violation
    let f = child(
        case(&doc, "okta-staging", "oidc/id-token-on-refresh"),
        "failure",
    )
    .unwrap();
    assert_eq!(f.attribute("type"), Some("spec-violation"));
    assert!(text(f).contains("oidc-core#12.2"));

    // error
    let e = child(
        case(&doc, "okta-staging", "revocation/revokes-family"),
        "error",
    )
    .unwrap();
    assert!(e
        .attribute("message")
        .unwrap()
        .contains("connection refused"));
    assert!(text(e).contains("no response"));

    // skip with reason, including a known deviation
    let s = child(
        case(&doc, "emulated-keycloak", "oidc/id-token-on-refresh"),
        "skipped",
    )
    .unwrap();
    assert!(s.attribute("message").unwrap().contains("unknown"));
    let s = child(case(&doc, "emulated-okta", "expiry/idle-ttl"), "skipped").unwrap();
    assert!(s
        .attribute("message")
        .unwrap()
        .starts_with("known deviation: "));

    // warn: passing, system-out starts with WARN, and names the finding's clause
    let w = case(&doc, "emulated-okta", "scope/omitted-returns-original");
    assert!(child(w, "failure").is_none());
    let out = text(child(w, "system-out").unwrap());
    assert!(out.starts_with("WARN"), "{out}");
    assert!(out.contains("rfc6749#5.1"), "{out}");
}

#[test]
fn strict_makes_warnings_failures() {
    let records = sample_records();
    let xml = junit_xml(&records, true, &Redactor::new());
    validate(&xml);
    let doc = parse(&xml);
    let w = case(&doc, "emulated-okta", "scope/omitted-returns-original");
    let f = child(w, "failure").expect("strict warn is a failure");
    assert_eq!(f.attribute("type"), Some("spec-violation"));
    assert!(f.attribute("message").unwrap().starts_with("WARN"));
    assert!(text(child(w, "system-out").unwrap()).starts_with("WARN"));
    let staging = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("okta-staging"))
        .unwrap();
    assert_eq!(staging.attribute("failures"), Some("2"));

    // A warning with a profile-mismatch finding fails with that type.
    let mut r = sample_records()
        .into_iter()
        .find(|r| r.outcome == Outcome::Warn)
        .unwrap();
    r.findings[0].kind = FailKind::ProfileMismatch;
    let xml = junit_xml(&[r], true, &Redactor::new());
    let doc = parse(&xml);
    let f = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(f.attribute("type"), Some("profile-mismatch"));
}

fn hostile_records() -> Vec<TrialRecord> {
    let nasty = "\u{1b}[31mred\u{1b}[0m NUL:\0 BEL:\u{7} VT:\u{b} ]]> <tag attr=\"x\"> & 'q' \u{fffd}\u{fffe}\u{ffff} C1:\u{85}\u{9b}31m \r\n\ttab é 🦀";
    let mut out = Vec::new();
    let target = "t<&\"'>\u{1b}[1m";
    for (i, outcome) in [
        Outcome::Pass,
        Outcome::Warn,
        Outcome::Fail {
            kind: FailKind::SpecViolation,
        },
        Outcome::Skip {
            reason: nasty.into(),
        },
        Outcome::Error {
            cause: nasty.into(),
        },
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = record(target, &format!("area/{i}{nasty}"), outcome, nasty);
        r.title = nasty.into();
        r.refs = vec![nasty.into()];
        r.observations.insert(nasty.into(), nasty.into());
        out.push(r);
    }
    // A 1 MB message.
    let mut r = record(
        "big",
        "area/huge",
        Outcome::Fail {
            kind: FailKind::ProfileMismatch,
        },
        &"]]>\u{1b}[0m x".repeat(100_000),
    );
    r.refs = vec![];
    out.push(r);
    out
}

#[test]
fn hostile_strings_stay_valid() {
    let records = hostile_records();
    for strict in [false, true] {
        let xml = junit_xml(&records, strict, &Redactor::new());
        assert!(!xml.contains('\u{1b}') && !xml.contains('\0') && !xml.contains('\u{fffe}'));
        assert!(!xml.contains("]]>"));
        assert!(
            xml.len() < 2 * 1024 * 1024,
            "cut long texts: {} bytes",
            xml.len()
        );
        validate(&xml);
        let doc = parse(&xml);
        let tcs: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(tcs.len(), records.len());
        assert_eq!(tcs[0].attribute("classname"), Some("t<&\"'>"));
        assert!(tcs[0]
            .attribute("name")
            .unwrap()
            .contains("]]> <tag attr=\"x\"> & 'q' \u{fffd}"));
        let f = child(tcs[2], "failure").unwrap();
        let body = text(f);
        assert!(body.contains("red NUL: BEL: VT: ]]> <tag"), "{body}");
        assert!(
            body.contains("\u{fffd} C1: \r\n\ttab é 🦀")
                || body.contains("\u{fffd} C1: \n\ttab é 🦀"),
            "{body:?}"
        );
        let huge = child(tcs[5], "failure").unwrap();
        assert!(text(huge).contains("more bytes cut"));
        assert!(huge.attribute("message").unwrap().len() <= 1100);
    }
}

#[test]
fn output_is_redacted_again() {
    let canary = "CANARY-9f8e7d6c5b4a";
    let mut r = record(
        "t",
        "area/leak",
        Outcome::Fail {
            kind: FailKind::SpecViolation,
        },
        &format!("leaked {canary}"),
    );
    r.observations.insert("x".into(), canary.into());
    r.transcript.push(refresh_conformance::record::Exchange {
        step: "s".into(),
        method: "POST".into(),
        url: "http://x/token".into(),
        request_body: format!("client_secret={canary}"),
        status: Some(400),
        ..Default::default()
    });
    let red = Redactor::new();
    red.add_secret(canary, "‹secret:main›");
    let xml = junit_xml(&[r], false, &red);
    assert!(!xml.contains(canary), "{xml}");
    assert!(xml.contains("‹secret:main›"));
}

#[test]
fn times_have_at_most_three_decimals() {
    let mut records = sample_records();
    for (i, r) in records.iter_mut().enumerate() {
        r.duration = std::time::Duration::from_nanos(100_000_001 * i as u64 + 333_333);
    }
    let xml = junit_xml(&records, false, &Redactor::new());
    validate(&xml);
    let doc = parse(&xml);
    for n in doc.descendants().filter(|n| n.attribute("time").is_some()) {
        let t = n.attribute("time").unwrap();
        let (_, dec) = t.split_once('.').unwrap();
        assert!(dec.len() <= 3, "{t}");
    }
}

#[test]
fn empty_run_and_file_output() {
    let xml = junit_xml(&[], false, &Redactor::new());
    validate(&xml);
    parse(&xml);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out/junit.xml");
    write_junit(&path, &sample_records(), false, None, &Redactor::new()).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written,
        junit_xml(&sample_records(), false, &Redactor::new())
    );
}

#[test]
fn junit_shape_snapshot() {
    let xml = junit_xml(&sample_records()[..6], false, &Redactor::new());
    insta::with_settings!({ snapshot_path => "../snapshots/report", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("junit_emulated_okta", xml);
    });
}
