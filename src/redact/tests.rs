//! The redactor's unit tests: every encoding, labels, speed on huge values.

use super::encodings::*;
use super::*;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

const CANARY: &str = "CANARY-s3cr3t/with+odd=chars&more";

fn canary() -> Redactor {
    let r = Redactor::new();
    r.add_secret(CANARY, "‹secret:main›");
    r
}

fn assert_clean(r: &Redactor, text: &str, needle: &str) {
    let out = r.redact(text);
    assert!(!out.contains(needle), "{needle:?} survived in {out:?}");
    assert!(out.contains("‹secret:main›"), "no label in {out:?}");
}

#[test]
fn huge_values_are_redacted_in_every_form() {
    let r = Redactor::new();
    let big = format!("{}-end", "A1b2".repeat(150_000));
    r.add_token(&big, "at", "grant");
    r.add_token("short-token-value", "rt", "grant");
    let text = format!(
        "x={big}&y={}&z=short-token-value",
        form_encode(&json_escape(&big))
    );
    let out = r.redact(&text);
    assert_eq!(out, "x=‹at:grant›&y=‹at:grant›&z=‹rt:grant›");
    let b64 = STANDARD.encode(big.as_bytes());
    assert_eq!(r.redact(&b64), "‹at:grant›");
}

#[test]
fn a_long_value_is_remembered_by_its_prefix_and_length_not_whole() {
    let r = Redactor::new();
    let big = "Zq9".repeat(1_400_000); // 4.2 MB
    r.add_token(&big, "rt", "grant");
    let kept = r.retained_bytes();
    assert!(kept < 64 * 1024, "{kept} bytes kept for one 4 MB token");
    // Whole, cut anywhere after its prefix, and in two encodings.
    assert_eq!(r.redact(&format!("a {big} b")), "a ‹rt:grant› b");
    assert_eq!(r.redact(&format!("a {}", &big[..1000])), "a ‹rt:grant›");
    assert_eq!(r.redact(&STANDARD.encode(big.as_bytes())), "‹rt:grant›");
    // The same value again keeps its label.
    assert_eq!(r.add_token(&big.clone(), "rt", "other"), "‹rt:grant›");
}

#[test]
fn many_values_under_one_label_base_get_distinct_labels_without_rescanning() {
    let r = Redactor::new();
    let n = 3_000;
    let mut labels = std::collections::HashSet::new();
    for i in 0..n {
        labels.insert(r.add_token(&format!("token-value-{i:06}"), "code", "step"));
    }
    assert_eq!(labels.len(), n);
    assert!(labels.contains("‹code:step›") && labels.contains(&format!("‹code:step#{n}›")));
    // Each new label is found by one look, not by counting up from #2.
    let probes = r.inner.read().probes;
    assert!(probes <= 2 * n, "{probes} probes for {n} labels");
}

#[test]
fn raw_value() {
    let r = canary();
    assert_eq!(r.redact(&format!("x={CANARY}!")), "x=‹secret:main›!");
}

#[test]
fn url_encoded_forms() {
    let r = canary();
    let v = "CANARY with space+plus/slash";
    r.add_secret(v, "‹secret:main›");
    let plus = form_encode(v);
    assert!(plus.contains('+'));
    assert_clean(&r, &format!("a=1&client_secret={plus}&b=2"), &plus);
    let pct = plus.replace('+', "%20");
    assert_clean(&r, &format!("client_secret={pct}"), &pct);
    let unres = unreserved_encode(CANARY, true);
    assert_clean(&r, &format!("?s={unres}"), &unres);
    let lower = unreserved_encode(CANARY, false);
    assert_clean(&r, &format!("?s={lower}"), &lower);
}

#[test]
fn base64_forms() {
    let r = canary();
    for e in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        let enc = e.encode(CANARY);
        assert_clean(&r, &format!("blob {enc} end"), &enc);
    }
}

#[test]
fn base64_inside_larger_payload_at_any_offset() {
    let r = canary();
    for prefix in ["", "x", "xy", "{\"client_secret\":\""] {
        let payload = format!("{prefix}{CANARY}\",\"iat\":1}}");
        for e in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = e.encode(&payload);
            let out = r.redact(&enc);
            assert!(out.contains("‹secret:main›"), "prefix {prefix:?}: {out}");
            // At most a few characters of the canary's encoding remain.
            let middle = &e.encode(CANARY)[4..20];
            assert!(!out.contains(middle), "{out}");
        }
    }
}

#[test]
fn json_escaped_pem_and_lines() {
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n";
    let r = Redactor::new();
    r.add_secret(pem, "‹key:other›");
    let json = serde_json::json!({ "key": pem }).to_string();
    assert!(json.contains("\\n"));
    let out = r.redact(&json);
    assert!(!out.contains("MIIEvQIBADANBgkq"), "{out}");
    assert!(out.contains("‹key:other›"));
    // A single line quoted elsewhere, and CRLF line endings.
    let out = r.redact("line: BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj");
    assert_eq!(out, "line: ‹key:other›");
    let crlf = pem.replace('\n', "\r\n");
    assert_eq!(r.redact(&crlf), "‹key:other›");
    // The `\/` JSON style.
    let r = canary();
    let escaped = CANARY.replace('/', "\\/");
    assert_clean(&r, &format!("{{\"s\":\"{escaped}\"}}"), &escaped);
}

#[test]
fn json_escaped_quotes_and_backslashes() {
    let r = Redactor::new();
    let v = r#"quo"te\back"#;
    r.add_secret(v, "‹secret:main›");
    let json = serde_json::to_string(&serde_json::json!({ "v": v })).unwrap();
    assert_eq!(r.redact(&json), r#"{"v":"‹secret:main›"}"#);
}

#[test]
fn basic_header() {
    let r = Redactor::new();
    r.add_basic("client id", "p@ss:w/rd", "‹basic:main›");
    let raw = STANDARD.encode("client id:p@ss:w/rd");
    let form = STANDARD.encode("client+id:p%40ss%3Aw%2Frd");
    for v in [raw, form] {
        let out = r.redact(&format!("Authorization: Basic {v}"));
        assert_eq!(out, "Authorization: Basic ‹basic:main›");
    }
    assert_eq!(r.redact("secret=p@ss:w/rd"), "secret=‹basic:main›");
}

#[test]
fn token_labels_are_stable_and_unique() {
    let r = Redactor::new();
    assert_eq!(r.add_token("tok-AAAA", "rt", "grant"), "‹rt:grant›");
    assert_eq!(r.add_token("tok-AAAA", "rt", "rotate"), "‹rt:grant›");
    assert_eq!(r.add_token("tok-BBBB", "rt", "rotate"), "‹rt:rotate›");
    assert_eq!(r.add_token("tok-CCCC", "rt", "rotate"), "‹rt:rotate#2›");
    assert_eq!(r.add_token("tok-DDDD", "rt", "rotate"), "‹rt:rotate#3›");
    assert_eq!(
        r.add_token("eyJhbGciOi.x.y", "assertion", ""),
        "‹assertion›"
    );
    assert_eq!(
        r.add_token("eyJhbGciOi.x.z", "assertion", ""),
        "‹assertion#2›"
    );
    assert_eq!(r.label_of("tok-CCCC").as_deref(), Some("‹rt:rotate#2›"));
    assert_eq!(r.label_of("nope"), None);
    assert_eq!(
        r.redact("tok-AAAA tok-BBBB tok-CCCC tok-AAAA"),
        "‹rt:grant› ‹rt:rotate› ‹rt:rotate#2› ‹rt:grant›"
    );
}

#[test]
fn longest_match_wins() {
    let r = Redactor::new();
    r.add_token("abcd", "at", "grant");
    r.add_token("abcdefgh", "rt", "grant");
    assert_eq!(r.redact("abcdefgh abcd"), "‹rt:grant› ‹at:grant›");
}

#[test]
fn short_tokens_are_ignored() {
    let r = Redactor::new();
    r.add_token("abc", "rt", "grant");
    assert_eq!(r.redact("abc abcabc"), "abc abcabc");
    r.add_token("abcd", "rt", "rotate");
    assert_eq!(r.redact("abc abcd"), "abc ‹rt:rotate›");
    assert_eq!(r.redact(""), "");
}

#[test]
fn short_secrets_are_redacted_in_every_encoding() {
    // `password=pw1` and `client_secret=k9Q` once reached every report.
    let r = Redactor::new();
    r.add_secret("pw1", "‹password:target›");
    r.add_basic("app", "k9Q", "‹basic:main›");
    let basic = STANDARD.encode("app:k9Q");
    let out = r.redact(&format!(
        "password=pw1&client_secret=k9Q {basic} {}",
        STANDARD.encode("pw1")
    ));
    assert!(
        !out.contains("pw1") && !out.contains("k9Q") && !out.contains(&basic),
        "{out}"
    );
    assert!(!out.contains(&STANDARD.encode("pw1")), "{out}");
    assert!(
        out.contains("‹password:target›") && out.contains("‹basic:main›"),
        "{out}"
    );
}

#[test]
fn rebuilds_after_additions() {
    let r = Redactor::new();
    assert_eq!(r.redact("first-token"), "first-token");
    r.add_token("first-token", "rt", "grant");
    assert_eq!(r.redact("first-token"), "‹rt:grant›");
    r.add_token("second-token", "rt", "rotate");
    assert_eq!(
        r.redact("first-token second-token"),
        "‹rt:grant› ‹rt:rotate›"
    );
}

#[test]
fn redact_json_walks_everything() {
    let r = canary();
    let v = serde_json::json!({
        "a": [CANARY, 1, null, {"b": format!("x{CANARY}")}],
        CANARY: true,
    });
    let out = r.redact_json(&v).to_string();
    assert!(!out.contains("CANARY"), "{out}");
    assert!(out.contains("‹secret:main›"));
}

#[test]
fn shared_across_threads() {
    let r = Arc::new(Redactor::new());
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let r = r.clone();
            std::thread::spawn(move || {
                let v = format!("token-value-{i:04}");
                let l = r.add_token(&v, "rt", "grant");
                assert_eq!(r.redact(&v), l);
                l
            })
        })
        .collect();
    let mut labels: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), 8);
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Redactor>();
}

#[test]
fn debug_does_not_leak() {
    let r = canary();
    assert!(!format!("{r:?}").contains("CANARY"));
}
