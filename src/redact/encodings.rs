//! The encoded forms of a value that outputs may carry: URL-encoded, base64
//! (also at any offset inside a larger base64 text), JSON-escaped, and the
//! lines of a multi-line value.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// Values at least this long also get their offset-shifted base64 fragments.
const SHIFTED_B64_MIN_LEN: usize = 8;

/// A line of a multi-line value is redacted on its own when at least this long.
const MIN_LINE_LEN: usize = 16;

/// `application/x-www-form-urlencoded` (space as `+`).
pub(super) fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Percent-encoding keeping only RFC 3986 unreserved characters.
pub(super) fn unreserved_encode(s: &str, upper: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

pub(super) fn json_escape(s: &str) -> String {
    let q = serde_json::to_string(s).expect("string serialises");
    q[1..q.len() - 1].to_string()
}

/// The base64 fragments of `bytes` when they sit at offset 0, 1 or 2 (mod 3)
/// of a larger encoded text: only the characters determined by `bytes` alone.
pub(super) fn shifted_base64(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for shift in 0..3usize {
        let mut buf = vec![0u8; shift];
        buf.extend_from_slice(bytes);
        // Characters that mix prefix bits with value bits are dropped.
        let skip = (shift * 8).div_ceil(6);
        let end = (buf.len() * 8) / 6;
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = engine.encode(&buf);
            if end > skip && end <= enc.len() {
                out.push(enc[skip..end].to_string());
            }
        }
    }
    out
}

pub(super) fn encoded_forms(v: &str) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !forms.contains(&s) {
            forms.push(s);
        }
    };
    push(v.to_string());
    let form = form_encode(v);
    push(form.replace('+', "%20"));
    push(form);
    push(unreserved_encode(v, true));
    push(unreserved_encode(v, false));
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        push(engine.encode(v.as_bytes()));
    }
    if v.len() >= SHIFTED_B64_MIN_LEN {
        for f in shifted_base64(v.as_bytes()) {
            push(f);
        }
    }
    let json = json_escape(v);
    push(json.replace('/', "\\/"));
    push(json.clone());
    // A JSON string inside a form or a query.
    push(form_encode(&json));
    if v.contains('\n') {
        push(v.replace("\r\n", "\n").replace('\n', "\r\n"));
        for line in v.lines() {
            let line = line.trim();
            if line.len() >= MIN_LINE_LEN && !line.starts_with("-----") {
                push(line.to_string());
                push(form_encode(line));
            }
        }
    }
    forms
}
