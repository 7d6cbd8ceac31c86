//! The HTML matrix: well-formed (parsed as XML), self-contained, escaped,
//! redacted, and rendered by headless Chromium.

use refresh_conformance::record::{FailKind, Outcome};
use refresh_conformance::report::html::{html_report, index_json, ReportMeta};
use refresh_conformance::report::sample::{record, sample_records};
use refresh_conformance::report::Redactor;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn meta() -> ReportMeta {
    ReportMeta {
        title: "Refresh-token conformance".into(),
        tool_version: "0.1.0".into(),
        generated_at: Some("2026-11-23T05:32:39Z".into()),
        command: Some("refresh-conformance run --target okta-staging.toml".into()),
        strict: false,
        profiles: [
            ("emulated-okta".to_string(), "okta".to_string()),
            ("emulated-keycloak".to_string(), "keycloak".to_string()),
            ("okta-staging".to_string(), "okta".to_string()),
        ]
        .into_iter()
        .collect(),
        drift: None,
    }
}

fn parse(html: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, opts)
        .unwrap_or_else(|e| panic!("not well-formed: {e}"))
}

fn class_has(n: &roxmltree::Node, c: &str) -> bool {
    n.attribute("class")
        .is_some_and(|v| v.split_whitespace().any(|x| x == c))
}

#[test]
fn well_formed_graded_and_linked() {
    let html = html_report(&sample_records(), &meta(), &Redactor::new());
    let doc = parse(&html);
    // Self-contained: no script, no external stylesheet, image or frame.
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(
            !["script", "link", "img", "iframe", "object", "embed"].contains(&tag),
            "{tag}"
        );
        assert!(n.attribute("src").is_none());
    }
    assert!(!html.contains("@import") && !html.contains("url("));
    // Areas, in order.
    let areas: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("tr") && class_has(n, "area"))
        .map(|n| n.first_element_child().unwrap().text().unwrap().to_string())
        .collect();
    assert_eq!(areas, ["rotation", "scope", "oidc", "revocation", "expiry"]);
    // Every cell has a colour class and a text label.
    let cells: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td") && class_has(n, "cell"))
        .collect();
    assert_eq!(cells.len(), 18);
    for c in &cells {
        let label = c
            .attribute("class")
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap();
        let badge = c
            .descendants()
            .find(|n| class_has(n, "badge"))
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(badge, label.to_uppercase());
        // Non-pass cells explain themselves inside <details>.
        let has_details = c.descendants().any(|n| n.has_tag_name("details"));
        assert_eq!(has_details, label != "pass", "{label}");
    }
    let labels: Vec<_> = cells
        .iter()
        .map(|c| {
            c.attribute("class")
                .unwrap()
                .split_whitespace()
                .nth(1)
                .unwrap()
        })
        .collect();
    for l in ["pass", "warn", "fail", "skip", "error"] {
        assert!(labels.contains(&l), "no {l} cell");
    }
    // The failing keycloak cell shows its exchange.
    assert!(html.contains("exchange #3 (step `replay`)"));
    // Links.
    let hrefs: Vec<_> = doc
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(hrefs.contains(&"https://www.rfc-editor.org/rfc/rfc6749#section-6"));
    assert!(
        hrefs.contains(&"https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.12.2")
    );
    assert!(!hrefs
        .iter()
        .any(|h| h.contains("seed") || h.contains("vendor")));
    assert!(html.contains("<span class=\"ref\">seed:003</span>"));
    assert!(html.contains("<span class=\"ref\">vendor:okta</span>"));
    // Totals per column.
    let totals: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td") && class_has(n, "totals"))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .collect();
    assert_eq!(totals.len(), 3);
    assert_eq!(totals[2], "2 pass1 warn1 fail1 error1 skip");
    // Headers carry the profile.
    assert!(html.contains("profile keycloak"));
}

#[test]
fn hostile_text_is_escaped_and_redacted() {
    let canary = "CANARY-0123456789abcdef";
    let evil = format!("<script>alert(1)</script> ]]> \u{1b}[31m&amp; \0 \"quoted\" {canary}");
    let mut r = record(
        "t<b>",
        &format!("x/{evil}"),
        Outcome::Fail {
            kind: FailKind::SpecViolation,
        },
        &evil,
    );
    r.title = evil.clone();
    r.refs = vec![evil.clone(), "rfc6749#6\"onmouseover=\"x".into()];
    let red = Redactor::new();
    red.add_secret(canary, "‹secret:main›");
    let mut m = meta();
    m.command = Some(format!("run --secret {canary}"));
    m.title = evil.clone();
    let html = html_report(&[r.clone()], &m, &red);
    let doc = parse(&html);
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(!html.contains(canary));
    assert!(html.contains("‹secret:main›"));
    assert!(!html.contains('\u{1b}') && !html.contains('\0'));
    assert!(!doc
        .descendants()
        .any(|n| n.attributes().any(|a| a.name().starts_with("on"))));
    let json = index_json(&[r], &m, &red).to_string();
    assert!(!json.contains(canary), "{json}");
}

#[test]
fn index_json_has_the_same_data() {
    let recs = sample_records();
    let v = index_json(&recs, &meta(), &Redactor::new());
    assert_eq!(
        v["targets"],
        serde_json::json!(["emulated-okta", "emulated-keycloak", "okta-staging"])
    );
    assert_eq!(v["totals"]["okta-staging"]["fail"], 1);
    assert_eq!(v["totals"]["emulated-keycloak"]["pass"], 4);
    let rotation = &v["areas"][0];
    assert_eq!(rotation["area"], "rotation");
    let refused = &rotation["scenarios"][1];
    assert_eq!(refused["id"], "rotation/previous-token-refused");
    assert_eq!(refused["level"], "must");
    assert_eq!(
        refused["refs"][0]["url"],
        "https://www.rfc-editor.org/rfc/rfc6749#section-6"
    );
    assert_eq!(refused["refs"][2]["url"], serde_json::Value::Null);
    let kc = &refused["results"]["emulated-keycloak"];
    assert_eq!(kc["outcome"], "fail");
    assert_eq!(kc["kind"], "profile-mismatch");
    assert!(kc["details"].as_str().unwrap().contains("exchange #3"));
    assert_eq!(kc["transcript"].as_array().unwrap().len(), 3);
    assert_eq!(v["meta"]["tool_version"], "0.1.0");
}

/// A Chromium binary, if installed.
fn chromium() -> Option<PathBuf> {
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "headless_shell",
    ] {
        if let Ok(out) = Command::new("which").arg(name).output() {
            if out.status.success() {
                let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !p.is_empty() {
                    return Some(PathBuf::from(p));
                }
            }
        }
    }
    None
}

fn screenshot(bin: &Path, html_file: &Path, png: &Path, profile: &Path) {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1400,900")
        .arg(format!("file://{}", html_file.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            if !status.success() {
                let mut err = String::new();
                use std::io::Read;
                child.stderr.take().unwrap().read_to_string(&mut err).ok();
                panic!("chromium failed ({status}): {err}");
            }
            return;
        }
        if start.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn renders_in_headless_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is required under CI (Debian: apt-get install chromium)");
        }
        eprintln!(
            "note: chromium not found, HTML rendering test skipped (apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html_file = dir.path().join("report.html");
    std::fs::write(
        &html_file,
        html_report(&sample_records(), &meta(), &Redactor::new()),
    )
    .unwrap();
    let png = dir.path().join("report.png");
    screenshot(&bin, &html_file, &png, &dir.path().join("profile"));
    let bytes = std::fs::read(&png).expect("a screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 10_000,
        "suspiciously small screenshot: {} bytes",
        bytes.len()
    );
    // Kept for a human look: target/tmp/report_html.png.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html.png");
    std::fs::copy(&png, keep).ok();
}

/// Manual look with every `<details>` open: `REPORT_SHOT_OPEN=1 cargo test --test report_html open_details_shot`.
#[test]
fn open_details_shot() {
    if std::env::var_os("REPORT_SHOT_OPEN").is_none() {
        return;
    }
    let bin = chromium().expect("chromium");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let html = html_report(&sample_records(), &meta(), &Redactor::new())
        .replace("<details>", "<details open=\"open\">");
    let f = dir.join("report_open.html");
    std::fs::write(&f, html).unwrap();
    let prof = tempfile::tempdir().unwrap();
    screenshot(&bin, &f, &dir.join("report_open.png"), prof.path());
}
