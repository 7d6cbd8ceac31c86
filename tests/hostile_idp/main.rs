//! Hostile IdP responses (issue 9). A raw HTTP/1.1 server on 127.0.0.1 answers
//! grants correctly and then answers the token, revocation and introspection
//! endpoints with one hostile response per case. Each test runs real
//! scenarios through the runner (small ones written here, plus catalog files
//! loaded from the repository) and checks that every trial ends as the
//! mapping in docs/when-things-go-wrong.md says — fail when the IdP broke a
//! rule a scenario checks, error when the harness could not judge — with a
//! message naming the cause, that the run goes on, that no token value
//! reaches a record or the JUnit file, that the JUnit file is valid, and that
//! the whole run finishes in bounded time.

#[path = "../support/mod.rs"]
mod support;

mod answer;
mod harness;
mod server;
mod tls;

use harness::*;
use server::*;

use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::plan::Filters;
use refresh_conformance::run::runner::{self, Settings};
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::scenario::Scenario;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Per-request timeout of the test target (the trickle and the hang end here).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// Per-trial timeout.
const TRIAL_TIMEOUT: Duration = Duration::from_secs(8);
/// A whole case (five or six trials, run concurrently) must finish within this.
const RUN_BOUND: Duration = Duration::from_secs(25);

// ---------------------------------------------------------------- scenarios

/// What the catalog checks of a refresh response: status, media type, fields,
/// and `expires_in` as a positive number of seconds under a year.
const TOKEN: &str = r#"
id = "hostile/token-response"
title = "A refresh is answered with a JSON token response"
refs = ["rfc6749#5.1"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200, content_type = "application/json", present = ["access_token"], json = { "$.expires_in" = { type = "number", gt = 0, le = 31536000 } } }
"#;

/// A revocation is 200 whatever the body (RFC 7009 §2.2: the client ignores
/// it); a request without `token` is a 400 JSON `invalid_request` (§2.2.1).
const REVOCATION: &str = r#"
id = "hostile/revocation"
title = "Revocation answers 200, and a malformed revocation request a JSON error"
refs = ["rfc7009#2.2", "rfc7009#2.2.1", "rfc6749#5.2"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
revoke = { token = "{{grant.refresh_token}}", token_type_hint = "refresh_token" }
expect = { status = 200 }
[[step]]
name = "no_token"
request = { endpoint = "revocation", auth = "default", form = { token_type_hint = "refresh_token" } }
expect = { status = 400, content_type = "application/json", error = "invalid_request" }
"#;

const INTROSPECTION: &str = r#"
id = "hostile/introspection"
title = "Introspection answers a JSON object with a boolean active"
refs = ["rfc7662#2.2"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
introspect = { token = "{{grant.refresh_token}}", token_type_hint = "refresh_token" }
expect = { status = 200, content_type = "application/json", active = true }
"#;

/// Catalog files run as they ship.
const CATALOG: &[&str] = &["issuance/expires-in-number", "issuance/expires-in-seconds"];

fn scenarios() -> Vec<Scenario> {
    let mut out: Vec<Scenario> = [
        ("token.toml", TOKEN),
        ("revocation.toml", REVOCATION),
        ("introspection.toml", INTROSPECTION),
    ]
    .iter()
    .map(|(origin, text)| load_text(origin, text, false, false).unwrap_or_else(|e| panic!("{e:?}")))
    .collect();
    for id in CATALOG {
        let origin = format!("scenarios/{id}.toml");
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&origin)).unwrap();
        out.push(load_text(&origin, &text, false, true).unwrap_or_else(|e| panic!("{e:?}")));
    }
    out
}

// ---------------------------------------------------------------- one test per case

#[test]
fn html_with_200_fails_where_json_is_required() {
    let run = check(
        Case::Html200,
        &[
            (T, Want::Fail("Content-Type")),
            (
                R,
                Want::Fail("step `no_token`: status: expected 400, got 200"),
            ),
            (I, Want::Fail("Content-Type")),
            (N, Want::Fail("not JSON")),
            (S, Want::Fail("not JSON")),
        ],
    );
    // The excerpt shows the page, with the token it echoed replaced by its label.
    let t = run.records.iter().find(|r| r.name == T).unwrap().details();
    assert!(t.contains("Sign in") && t.contains("‹rt:grant"), "{t}");
}

#[test]
fn html_error_page_with_500_fails_on_status() {
    check(
        Case::Html500,
        &[
            (T, Want::Fail("expected 200, got 500")),
            (R, Want::Fail("expected 200, got 500")),
            (I, Want::Fail("expected 200, got 500")),
            (N, Want::Fail("expected 200, got 500")),
            (S, Want::Fail("expected 200, got 500")),
        ],
    );
}

#[test]
fn truncated_json_fails_naming_the_parse_error() {
    check(
        Case::Truncated,
        &[
            (T, Want::Fail("not JSON (EOF while parsing")),
            (R, Want::Fail("not JSON (EOF while parsing")),
            (I, Want::Fail("not JSON (EOF while parsing")),
            (N, Want::Fail("not JSON (EOF while parsing")),
            (S, Want::Fail("not JSON")),
        ],
    );
}

#[test]
fn empty_body_fails() {
    check(
        Case::Empty,
        &[
            (T, Want::Fail("not JSON (empty body)")),
            // An empty 200 is the usual revocation answer; the malformed request still needs a JSON error.
            (R, Want::Fail("step `no_token`: error: expected invalid_request, got status 400, not JSON (empty body)")),
            (I, Want::Fail("not JSON (empty body)")),
            (N, Want::Fail("not JSON (empty body)")),
            (S, Want::Fail("not JSON (empty body)")),
        ],
    );
}

#[test]
fn a_100_mb_body_is_an_error_at_the_cap() {
    let run = check(Case::Huge, &all(Want::Error("larger than the 4 MiB cap")));
    assert_eq!(run.hostile_requests, 5, "no retry after a capped read");
}

#[test]
fn a_trickling_body_is_an_error_at_the_request_timeout() {
    let run = check(Case::Trickle, &all(Want::Error("timed out")));
    assert_eq!(run.hostile_requests, 5, "never retried after a timeout");
}

#[test]
fn a_reset_mid_response_is_an_error_and_not_retried() {
    let run = check(Case::Reset, &all(Want::Error("reset by peer")));
    assert_eq!(
        run.hostile_requests, 5,
        "never retried after a reset: a replayed refresh token trips reuse detection"
    );
}

#[test]
fn an_accepted_connection_never_answered_is_an_error() {
    let run = check(Case::Hang, &all(Want::Error("timed out")));
    assert_eq!(run.hostile_requests, 5, "never retried after a timeout");
}

#[test]
fn status_429_with_retry_after_is_retried_then_an_error() {
    let run = check(
        Case::TooMany { retry_after: 1 },
        &all(Want::Error("status 429 after 3 attempt(s)")),
    );
    assert_eq!(
        run.hostile_requests, 15,
        "three attempts per request, no more"
    );
}

#[test]
fn status_429_asking_to_wait_past_the_bound_is_an_error_at_once() {
    let run = check(
        Case::TooMany { retry_after: 3600 },
        &all(Want::Error("status 429 after 1 attempt(s)")),
    );
    assert_eq!(run.hostile_requests, 5);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
fn status_429_once_is_retried_and_passes() {
    let run = check(Case::TooManyOnce, &all(Want::Pass));
    assert_eq!(
        run.hostile_requests,
        5 + 1,
        "one 429 per presented token (the revocation scenario sends two requests)"
    );
}

#[test]
fn status_503_is_retried_within_the_bound_then_an_error_but_never_for_a_refresh() {
    let refresh = Want::Error("status 503 to a request that uses up its token: not retried");
    let run = check(
        Case::Unavailable,
        &[
            (T, refresh),
            (R, Want::Error("status 503 after 3 attempt(s)")),
            (I, Want::Error("status 503 after 3 attempt(s)")),
            (N, refresh),
            (S, refresh),
        ],
    );
    // A 503 may come from a proxy after the IdP rotated the token: refreshes are sent once.
    assert_eq!(run.hostile_requests, 1 + 3 + 3 + 1 + 1);
}

#[test]
fn json_under_a_wrong_content_type_fails_where_the_type_is_checked() {
    check(
        Case::WrongContentType,
        &[
            (
                T,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            (
                R,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            (
                I,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            // These two check expires_in only: the body is right, so they pass.
            (N, Want::Pass),
            (S, Want::Pass),
        ],
    );
}

#[test]
fn duplicate_json_keys_fail_as_ambiguous() {
    check(
        Case::DuplicateKeys,
        &[
            (T, Want::Fail("duplicate member `expires_in`")),
            (R, Want::Fail("duplicate member `error`")),
            (I, Want::Fail("duplicate member `active`")),
            (N, Want::Fail("duplicate member `expires_in`")),
            (S, Want::Fail("duplicate member `expires_in`")),
        ],
    );
}

#[test]
fn non_utf8_bytes_fail() {
    check(
        Case::NonUtf8,
        &[
            (T, Want::Fail("not JSON")),
            (R, Want::Fail("not JSON")),
            (I, Want::Fail("not JSON")),
            (N, Want::Fail("not JSON")),
            (S, Want::Fail("not JSON")),
        ],
    );
}

#[test]
fn expires_in_as_a_string_fails() {
    check(
        Case::ExpiresString,
        &[
            (
                T,
                Want::Fail("expected a JSON number, got a JSON string (\"3600\")"),
            ),
            (R, Want::Pass),
            (I, Want::Pass),
            (N, Want::Fail("expected a JSON number, got a JSON string")),
            (S, Want::Fail("expected a number le 31536000, got \"3600\"")),
        ],
    );
}

#[test]
fn negative_expires_in_fails() {
    check(
        Case::ExpiresNegative,
        &[
            (T, Want::Fail("$.expires_in")),
            (R, Want::Pass),
            (I, Want::Pass),
            (N, Want::Fail("$.expires_in")),
            (S, Want::Pass),
        ],
    );
}

#[test]
fn astronomically_large_expires_in_fails_the_year_bound_without_overflow() {
    check(
        Case::ExpiresHuge,
        &[
            (T, Want::Fail("$.expires_in")),
            (R, Want::Pass),
            (I, Want::Pass),
            // A positive number: the type check holds; the lifetime bound does not.
            (N, Want::Pass),
            (S, Want::Fail("no access token lives longer than a year")),
        ],
    );
}

#[test]
fn an_error_answered_with_200_fails() {
    check(
        Case::ErrorWith200,
        &[
            (
                T,
                // An error sent with 200 breaks RFC 6749 §5.2: named as
                // that, not as a missing `access_token`.
                Want::Fail("step `rotate`: status of an error response: expected an error status (RFC 6749 §5.2"),
            ),
            (
                R,
                // A revocation's 200 is judged by its status alone (RFC 7009
                // §2.2: the body is ignored); the request without a token,
                // sent as a raw request, is where the 200 error shows.
                Want::Fail("step `no_token`: status of an error response: expected an error status"),
            ),
            (
                I,
                Want::Fail("step `introspect`: status of an error response"),
            ),
            (
                N,
                Want::Fail("step `refresh`: status of an error response"),
            ),
            (
                S,
                Want::Fail("step `refresh`: status of an error response"),
            ),
        ],
    );
}

#[test]
fn a_body_flooded_with_token_members_is_withheld_not_registered_one_by_one() {
    let run = check(Case::TokenFlood, &all(Want::Fail("")));
    let t = run.records.iter().find(|r| r.name == T).unwrap().details();
    assert!(
        t.contains("body withheld") && t.contains("token-like values"),
        "{t}"
    );
}

#[test]
fn redirects_to_another_origin_are_reported_not_followed() {
    for status in [302, 307] {
        let run = check(
            Case::Redirect { status },
            &all(Want::Fail("redirect to http://127.0.0.1:")),
        );
        assert_eq!(
            run.elsewhere_hits, 0,
            "{status}: the other origin received nothing"
        );
        assert!(
            run.records[0]
                .details()
                .contains(&format!("got {status} redirect")),
            "{}",
            run.records[0].details()
        );
    }
}

// ---------------------------------------------------------------- TLS
