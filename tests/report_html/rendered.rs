//! The report as a reader sees it: laid out by headless Chromium in a 1400 px
//! wide window, passing and failing. The pages and screenshots are kept
//! under `target/tmp/report_html/` for a human look.

use super::browser::{chromium, probe, screenshot, WIDTH};
use super::meta;
use refresh_conformance::record::TrialRecord;
use refresh_conformance::report::fingerprint::{Change, FingerprintDiff};
use refresh_conformance::report::html::{html_report, ReportMeta};
use refresh_conformance::report::sample::{
    sample_passing_records, sample_wide_records, WIDE_TARGETS,
};
use refresh_conformance::report::Redactor;
use std::path::PathBuf;

fn kept_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_html");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The failing report: six targets, long one-line JSON, drift.
fn failing() -> (Vec<TrialRecord>, ReportMeta) {
    let mut m = meta();
    m.profiles = WIDE_TARGETS
        .iter()
        .map(|t| (t.to_string(), "okta".to_string()))
        .collect();
    m.command = Some(format!(
        "refresh-conformance run {} --html reports/report.html",
        WIDE_TARGETS
            .map(|t| format!("--target targets/{t}.toml"))
            .join(" ")
    ));
    m.drift = Some(FingerprintDiff {
        changed: vec![Change {
            trial: format!("{}/rotation/new-token", WIDE_TARGETS[4]),
            key: "rotate.scope".into(),
            old: Some(format!("{{{}}}", "openid,profile,".repeat(20))),
            new: Some("(omitted)".into()),
        }],
        ..Default::default()
    });
    (sample_wide_records(), m)
}

fn passing() -> (Vec<TrialRecord>, ReportMeta) {
    (sample_passing_records(), meta())
}

fn render(name: &str, (records, meta): (Vec<TrialRecord>, ReportMeta)) -> (String, PathBuf) {
    let html = html_report(&records, &meta, &Redactor::new());
    let file = kept_dir().join(format!("{name}.html"));
    std::fs::write(&file, &html).unwrap();
    (html, file)
}

#[test]
fn six_targets_with_long_json_fit_a_1400px_window_failures_first() {
    let Some(bin) = chromium() else { return };
    let (html, _) = render("failing", failing());
    let m = probe(&bin, &html, &kept_dir(), "failing");
    assert_eq!(
        m["innerWidth"], WIDTH,
        "the window is not 1400 px wide: {m}"
    );
    let sw = m["scrollWidth"].as_u64().unwrap();
    assert!(
        sw <= u64::from(WIDTH),
        "horizontal scroll: scrollWidth {sw} at {WIDTH} px: {m}"
    );
    assert_eq!(
        m["beyond"],
        serde_json::json!([]),
        "elements past the right edge: {m}"
    );
    assert_eq!(
        m["overflowing"],
        serde_json::json!([]),
        "content wider than its box: {m}"
    );
    let verdict = m["verdict"]
        .as_str()
        .unwrap_or_else(|| panic!("no verdict banner: {m}"));
    assert!(verdict.starts_with("failed"), "{verdict}");
    for part in ["4 failures", "2 errors", "4 warnings", "drift"] {
        assert!(verdict.contains(part), "banner lacks {part:?}: {verdict}");
    }
    let order: Vec<&str> = m["order"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let at = |id: &str| {
        order
            .iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("no #{id} in {order:?}"))
    };
    assert!(
        at("verdict") < at("failures") && at("failures") < at("matrix"),
        "{order:?}"
    );
}

#[test]
fn a_passing_report_says_passed() {
    let Some(bin) = chromium() else { return };
    let (html, _) = render("passing", passing());
    let m = probe(&bin, &html, &kept_dir(), "passing");
    let verdict = m["verdict"]
        .as_str()
        .unwrap_or_else(|| panic!("no verdict banner: {m}"));
    assert!(verdict.starts_with("passed"), "{verdict}");
    assert!(!verdict.contains("fail"), "{verdict}");
    assert!(
        m["scrollWidth"].as_u64().unwrap() <= u64::from(WIDTH),
        "{m}"
    );
}

/// Pixels of the top 200 rows within `tol` of `rgb`.
fn count_near(shot: &(u32, u32, Vec<u8>), rgb: [u8; 3], tol: u8) -> usize {
    let (w, h, px) = shot;
    let rows = (*h).min(200) as usize;
    px[..rows * *w as usize * 3]
        .chunks(3)
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= tol))
        .count()
}

/// The banner's colour, read off real screenshots: red when failing, green
/// when passing (`--fail` #b3261e, `--pass` #1a7f37 in the page's CSS).
#[test]
fn screenshots_show_the_verdict_in_its_colour() {
    let Some(bin) = chromium() else { return };
    const RED: [u8; 3] = [0xb3, 0x26, 0x1e];
    const GREEN: [u8; 3] = [0x1a, 0x7f, 0x37];
    // The banner is wide and at the top: tens of thousands of pixels of its colour.
    const BANNER: usize = 20_000;
    for (name, data, colour, other) in [
        ("failing", failing(), RED, GREEN),
        ("passing", passing(), GREEN, RED),
    ] {
        let (_, file) = render(name, data);
        let png = kept_dir().join(format!("{name}.png"));
        let shot = screenshot(&bin, &file, &png);
        assert_eq!(shot.0, WIDTH, "{name}: screenshot width");
        let (own, wrong) = (count_near(&shot, colour, 6), count_near(&shot, other, 6));
        assert!(
            own > BANNER && wrong < BANNER / 4,
            "{name}: {own} pixels of the verdict's colour, {wrong} of the other in the top 200 rows ({})",
            png.display()
        );
    }
}
