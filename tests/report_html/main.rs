//! The HTML matrix: well-formed (parsed as XML), self-contained, escaped,
//! redacted, and rendered by headless Chromium.

use refresh_conformance::record::{FailKind, Outcome};
use refresh_conformance::report::html::{html_report, index_json, ReportMeta};
use refresh_conformance::report::sample::{record, sample_records};
use refresh_conformance::report::Redactor;

mod browser;
mod rendered;

pub(crate) fn meta() -> ReportMeta {
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

fn text_of(n: &roxmltree::Node) -> String {
    n.descendants()
        .filter(|t| t.is_text())
        .filter_map(|t| t.text())
        .collect()
}

fn class_has(n: &roxmltree::Node, c: &str) -> bool {
    n.attribute("class")
        .is_some_and(|v| v.split_whitespace().any(|x| x == c))
}

/// A cell is graded in colour and text; a skip says why inside <details>;
/// a failure or error links to its explanation above the matrix, a warning
/// to its explanation below it.
fn check_cell(doc: &roxmltree::Document, c: &roxmltree::Node) {
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
    let has_details = c.descendants().any(|n| n.has_tag_name("details"));
    assert_eq!(has_details, label == "skip", "{label}");
    let goto = c
        .descendants()
        .find(|n| class_has(n, "goto"))
        .and_then(|n| n.attribute("href"));
    if ["fail", "error", "warn"].contains(&label) {
        let id = goto.unwrap_or_else(|| panic!("{label} cell links nowhere"));
        let target = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&id[1..]))
            .unwrap_or_else(|| panic!("no element {id}"));
        assert!(class_has(&target, "item") && class_has(&target, label));
        let arrow = if label == "warn" { "↓" } else { "↑" };
        // Failures and errors are explained above the matrix, warnings below.
        let text = text_of(c);
        assert!(text.ends_with(&format!("details {arrow}")), "{text}");
        let name = c.attribute("title").unwrap().split(": ").next().unwrap();
        assert!(text_of(&target).contains(name), "{id} is not {name}");
    } else {
        assert!(goto.is_none(), "{label}");
    }
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
        check_cell(&doc, c);
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
    // The failing keycloak trial shows its exchange.
    assert!(html.contains("exchange #3 · step <code>replay</code> · POST → 200"));
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
    assert_eq!(totals[2], "2 pass 1 warn 1 fail 1 error 1 skip");
    // Headers carry the profile.
    assert!(html.contains("profile keycloak"));
}

/// The top of the page: the verdict, then the failures and errors with
/// their clauses (linked), message and exchange, then the matrix (and the
/// warnings after it).
#[test]
fn verdict_first_then_failures_then_the_matrix() {
    let html = html_report(&sample_records(), &meta(), &Redactor::new());
    let doc = parse(&html);
    let body = doc.descendants().find(|n| n.has_tag_name("body")).unwrap();
    let order: Vec<&str> = body
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.attribute("id").unwrap_or(n.tag_name().name()))
        .collect();
    assert_eq!(
        order,
        ["h1", "verdict", "p", "failures", "matrix", "warnings"]
    );
    let verdict = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("verdict"))
        .unwrap();
    assert!(class_has(&verdict, "failed"));
    let text = text_of(&verdict).trim().to_string();
    assert!(
        text.starts_with(
            "failed\n2 failures · 1 error · 2 warnings\n18 trials on 3 targets: 10 pass, 3 skipped"
        ),
        "{text}"
    );
    assert!(html.contains("<title>failed — Refresh-token conformance</title>"));
    // No script may run and nothing may be fetched, whatever the text.
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
    );

    let failures = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("failures"))
        .unwrap();
    let items: Vec<_> = failures
        .children()
        .filter(|n| n.has_tag_name("article"))
        .collect();
    let names: Vec<String> = items
        .iter()
        .map(|n| text_of(&n.descendants().find(|d| class_has(d, "name")).unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            "emulated-keycloak/rotation/previous-token-refused",
            "okta-staging/oidc/id-token-on-refresh",
            "okta-staging/revocation/revokes-family",
        ]
    );
    let first = text_of(&items[0]);
    for part in [
        "FAIL profile-mismatch",
        "Once a new refresh token is issued, the previous one is refused · must · rfc6749#6 rfc9700#4.14.2 seed:004",
        "the previous refresh token ‹rt:grant› was still accepted after rotation",
        "step `replay`: status: expected 400, got 200 (behaviour `previous_refresh_token` states otherwise) [rfc9700#4.14.2]",
        "exchange #3 · step replay · POST → 200",
        "> grant_type=refresh_token&refresh_token=‹rt:grant›",
    ] {
        assert!(first.contains(part), "{part:?} not in {first}");
    }
    // The JSON body is laid out a member per line, the labels marked.
    assert!(
        html.contains("< {\n  &quot;access_token&quot;")
            || html.contains(
                "&lt; {\n  \"access_token\": \"<span class=\"tok\">‹at:replay›</span>\","
            ),
        "{html}"
    );
    let links: Vec<_> = items[0]
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert_eq!(
        links,
        [
            "https://www.rfc-editor.org/rfc/rfc6749#section-6",
            "https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2"
        ]
    );
    let error = text_of(&items[2]).trim().to_string();
    assert!(
        error.starts_with("ERROR okta-staging/revocation/revokes-family"),
        "{error}"
    );
    assert!(error.contains(
        "connection refused (127.0.0.1:9): the revocation endpoint could not be reached"
    ));
    assert!(error.contains("< (no response: connection refused)"));
}

/// Under --strict warnings are failures: listed with them, no warnings
/// section; with nothing judged the banner does not say passed.
#[test]
fn strict_lists_warnings_as_failures_and_nothing_judged_is_no_pass() {
    let mut m = meta();
    m.strict = true;
    let html = html_report(&sample_records(), &m, &Redactor::new());
    let doc = parse(&html);
    let failures = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("failures"))
        .unwrap();
    assert_eq!(
        failures
            .children()
            .filter(|n| n.has_tag_name("article"))
            .count(),
        5
    );
    assert!(!html.contains("id=\"warnings\""));
    assert!(html.contains("2 warnings</a> (failures under --strict)"));

    let skipped = vec![record(
        "t",
        "a/b",
        Outcome::Skip {
            reason: "not applicable".into(),
        },
        "",
    )];
    let html = html_report(&skipped, &meta(), &Redactor::new());
    assert!(
        html.contains(
            "<section id=\"verdict\" class=\"verdict none\">\n<p class=\"word\">nothing judged</p>"
        ),
        "{html}"
    );
    let html = html_report(&[], &meta(), &Redactor::new());
    parse(&html);
    assert!(html.contains("<p class=\"word\">nothing judged</p>"));
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

#[test]
fn an_id_token_is_shown_as_its_label_and_a_table_of_its_claims() {
    let html = html_report(&sample_records(), &meta(), &Redactor::new());
    let doc = parse(&html);
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && class_has(n, "claims"))
        .expect("a claims table in the failing id_token trial's exchange");
    let caption = text_of(&table.first_element_child().unwrap());
    assert!(
        caption.contains("‹id_token:rotate›") && caption.contains("signature dropped"),
        "{caption}"
    );
    let text = text_of(&table);
    assert!(
        text.contains("sub") && text.contains("u-other-subject"),
        "{text}"
    );
}
