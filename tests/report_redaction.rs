//! Canary test over every report artifact: a registered secret, planted in
//! every field of the records in several encodings, appears in none of them.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use refresh_conformance::record::{Exchange, FailKind, Finding, Outcome};
use refresh_conformance::report::fingerprint::{diff, from_records};
use refresh_conformance::report::sample::sample_records;
use refresh_conformance::report::{
    html_report, index_json, junit_xml, summary_markdown, Redactor, ReportMeta,
};

const CANARY: &str = "CANARY-tok/en+v@lue=9876543210";

fn encodings() -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(CANARY.as_bytes()).collect();
    vec![
        CANARY.to_string(),
        form.clone(),
        form.replace('+', "%20"),
        STANDARD.encode(CANARY),
        URL_SAFE_NO_PAD.encode(CANARY),
        URL_SAFE_NO_PAD.encode(format!("{{\"sub\":\"x\",\"tok\":\"{CANARY}\"}}")),
        serde_json::to_string(CANARY).unwrap(),
    ]
}

#[test]
fn no_artifact_leaks_the_canary() {
    let mut records = sample_records();
    for (i, r) in records.iter_mut().enumerate() {
        let planted = encodings()[i % encodings().len()].clone();
        r.message = format!("message {planted}");
        r.title = format!("title {planted}");
        r.observations.insert("leak".into(), planted.clone());
        r.findings.push(Finding {
            step: planted.clone(),
            level: r.level,
            kind: FailKind::SpecViolation,
            setting: Some(planted.clone()),
            refs: vec![],
            check: planted.clone(),
            expected: planted.clone(),
            actual: planted.clone(),
            precondition: false,
            exchange: Some(0),
        });
        r.transcript.insert(
            0,
            Exchange {
                step: "s".into(),
                method: "POST".into(),
                url: format!("http://x/token?t={planted}"),
                request_headers: vec![("authorization".into(), format!("Bearer {planted}"))],
                request_body: format!("refresh_token={planted}"),
                status: Some(200),
                response_headers: vec![("x".into(), planted.clone())],
                response_body: format!("{{\"refresh_token\":{planted:?}}}"),
                transport_error: None,
                elapsed_ms: 1,
                id_token: Some(refresh_conformance::record::IdTokenShown {
                    label: planted.clone(),
                    claims: Some(serde_json::json!({ "nonce": planted.clone() })),
                }),
            },
        );
        if let Outcome::Skip { reason } = &mut r.outcome {
            reason.push_str(&planted);
        }
        if let Outcome::Error { cause } = &mut r.outcome {
            cause.push_str(&planted);
        }
    }
    let red = Redactor::new();
    red.add_token(CANARY, "rt", "grant");
    let meta = ReportMeta {
        command: Some(format!("run --token {CANARY}")),
        ..Default::default()
    };
    let fp = from_records(&records);
    let d = diff(&from_records(&sample_records()), &fp);
    let artifacts = [
        ("junit", junit_xml(&records, false, &red)),
        ("junit strict", junit_xml(&records, true, &red)),
        ("html", html_report(&records, &meta, &red)),
        ("index.json", index_json(&records, &meta, &red).to_string()),
        ("summary", summary_markdown(&records, Some(&d), &red, false)),
        ("fingerprint", fp.to_json(&red)),
    ];
    for (name, text) in &artifacts {
        for e in encodings() {
            // The JSON artifacts escape quotes: look for the body of the encoding.
            let needle = e.trim_matches('"');
            assert!(!text.contains(needle), "{name} leaks {needle:?}");
        }
        assert!(!text.contains("9876543210"), "{name} leaks a fragment");
        assert!(text.contains("‹rt:grant›"), "{name} has no label");
    }
}
