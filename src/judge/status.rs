//! `status = 200` / `status = [400, 401]`.

use super::{Mismatch, Response};

/// The `error` code of a response that carries one with a 2xx status.
pub(crate) fn error_with_success_status(r: &Response) -> Option<String> {
    let e = r.field("error")?;
    (200..300).contains(&r.status).then(|| {
        e.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string())
    })
}

/// An error response (an `error` member) sent with a 2xx status: RFC 6749
/// §5.2 says 400 (401 for some invalid_client), whatever else was expected.
pub(crate) fn error_status_mismatch(r: &Response, error: &str) -> Mismatch {
    Mismatch::new(
        "status of an error response",
        "an error status (RFC 6749 §5.2: 400, or 401 for invalid_client after HTTP authentication; never a success)",
        format!("{} with error `{error}`", r.status),
    )
    .breaking("rfc6749#5.2")
}

/// A success was expected and an error came back (with a 2xx status).
pub(crate) fn refused_mismatch(r: &Response, error: &str) -> Mismatch {
    Mismatch::new(
        "response",
        "a success",
        format!("error `{error}` (status {}: {})", r.status, r.excerpt()),
    )
}

pub(crate) fn check(expected: &[u16], r: &Response) -> Option<Mismatch> {
    if expected.contains(&r.status) {
        return None;
    }
    let want = expected
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    let actual = match r
        .header("location")
        .filter(|_| (300..400).contains(&r.status))
    {
        // Redirects are never followed (credentials stay with the origin they were configured for).
        Some(to) => format!(
            "{} redirect to {to} (not followed: a token request is never sent on to another URL)",
            r.status
        ),
        None => format!("{} ({})", r.status, r.excerpt()),
    };
    Some(Mismatch::new("status", want, actual))
}

#[cfg(test)]
mod tests {
    use super::super::{judge, Ctx};
    use super::*;
    use crate::scenario::model::{Expect, OneOrMany};

    fn error_200() -> Response {
        let json = serde_json::json!({"error": "invalid_grant"});
        Response {
            status: 200,
            body: json.to_string(),
            shown: json.to_string(),
            json: Some(json),
            ..Default::default()
        }
    }

    fn run(e: &Expect, r: &Response) -> Vec<Mismatch> {
        run_on(e, r, false)
    }

    fn run_on(e: &Expect, r: &Response, body_ignored_on_success: bool) -> Vec<Mismatch> {
        let mut render = |s: &str| Ok(s.to_string());
        let mut ctx = Ctx {
            response: Some(r),
            group: &[],
            successors: &[],
            render: &mut render,
            verify_id_token: &|_| crate::judge::SignatureCheck::Valid,
            body_ignored_on_success,
        };
        judge(e, &mut ctx).unwrap()
    }

    #[test]
    fn a_revocations_200_with_an_error_body_is_a_success_its_body_ignored() {
        // RFC 7009 §2.2: the status conveys everything; Keycloak 26 answers
        // an unknown token with 200 and {"error":"invalid_token"}.
        let e = Expect {
            status: Some(OneOrMany::One(200)),
            ..Default::default()
        };
        assert!(run_on(&e, &error_200(), true).is_empty());
        assert_eq!(run_on(&e, &error_200(), false).len(), 2);
    }

    #[test]
    fn an_expected_error_sent_with_200_breaks_5_2_and_nothing_else() {
        let e = Expect {
            status: Some(OneOrMany::One(400)),
            error: Some(OneOrMany::One("invalid_grant".into())),
            ..Default::default()
        };
        let m = run(&e, &error_200());
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            m[0].breaks.as_deref(),
            Some(&["rfc6749#5.2".to_string()][..])
        );
        assert_eq!(m[0].actual, "200 with error `invalid_grant`");
    }

    #[test]
    fn an_expected_success_answered_by_an_error_with_200_is_a_refusal_not_missing_fields() {
        let e = Expect {
            status: Some(OneOrMany::One(200)),
            present: vec!["access_token".into()],
            ..Default::default()
        };
        let m = run(&e, &error_200());
        let checks: Vec<&str> = m.iter().map(|m| m.check.as_str()).collect();
        assert_eq!(checks, ["status of an error response", "response"], "{m:?}");
        assert!(
            m[1].actual.starts_with("error `invalid_grant` (status 200"),
            "{m:?}"
        );
        assert_eq!(m[1].breaks, None);
    }
}
