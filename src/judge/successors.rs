//! `successors = { max_live = 1 }`: after a race of refreshes, how many of
//! the distinct refresh tokens its successes carried still refresh. Two or
//! more is a fork: each holder keeps a line of tokens of its own. Successes
//! that all carry one token (an idempotent retry) are one successor, and a
//! successor that is refused when tried is no fork.

use super::{Mismatch, Response};
use crate::scenario::model::SuccessorsExpect;

/// One distinct refresh token a race's successes carried, and what became
/// of it when presented once more after the race.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Successor {
    /// How many successes carried it.
    pub carried_by: usize,
    /// It is the token the race presented (no new one was issued).
    pub presented: bool,
    /// It refreshed when presented again.
    pub live: bool,
}

/// A success: 2xx with no `error` member (an error sent with status 200 is
/// an error), carrying a refresh token or not.
pub(crate) fn is_success(r: &Response) -> bool {
    (200..300).contains(&r.status) && r.field("error").is_none()
}

pub(crate) fn check(
    e: &SuccessorsExpect,
    successors: &[Successor],
    group: &[Result<Response, String>],
) -> Option<Mismatch> {
    let live = successors.iter().filter(|s| s.live).count();
    if live as u32 <= e.max_live {
        return None;
    }
    let successes = group
        .iter()
        .filter(|r| r.as_ref().is_ok_and(is_success))
        .count();
    Some(Mismatch::new(
        "distinct refresh tokens still working after the race",
        format!("at most {}", e.max_live),
        format!(
            "{live}: {successes} of {} concurrent refreshes succeeded with {} distinct refresh tokens, and {live} of them still refreshed when presented again — a fork",
            group.len(),
            successors.len(),
        ),
    ))
}

/// The note for a pass: several successes carried one identical token.
pub(crate) fn identical_note(successors: &[Successor]) -> Option<String> {
    let shared = successors.iter().find(|s| s.carried_by > 1)?;
    let what = if shared.presented {
        "all handing back the presented refresh token (no new one: not a fork)"
    } else {
        "all with the same new refresh token (an idempotent retry, not a fork)"
    };
    Some(format!(
        "{} concurrent refreshes succeeded, {what}; it {} when presented again",
        shared.carried_by,
        if shared.live {
            "refreshed"
        } else {
            "was refused"
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rt: &str) -> Result<Response, String> {
        let json = serde_json::json!({"access_token": "a", "refresh_token": rt});
        Ok(Response {
            status: 200,
            body: json.to_string(),
            json: Some(json),
            ..Default::default()
        })
    }

    fn s(carried_by: usize, live: bool) -> Successor {
        Successor {
            carried_by,
            presented: false,
            live,
        }
    }

    const ONE: SuccessorsExpect = SuccessorsExpect { max_live: 1 };

    #[test]
    fn two_live_distinct_successors_are_a_fork() {
        let group = vec![ok("x"), ok("y"), Err("reset".into())];
        let m = check(&ONE, &[s(1, true), s(1, true)], &group).unwrap();
        assert!(
            m.actual
                .starts_with("2: 2 of 3 concurrent refreshes succeeded with 2 distinct"),
            "{}",
            m.actual
        );
        assert!(m.actual.contains("fork"));
    }

    #[test]
    fn identical_successors_are_one_and_get_a_note() {
        let group = vec![ok("x"), ok("x"), ok("x")];
        let succ = [s(3, true)];
        assert_eq!(check(&ONE, &succ, &group), None);
        let note = identical_note(&succ).unwrap();
        assert!(note.starts_with("3 concurrent refreshes succeeded, all with the same new refresh token (an idempotent retry, not a fork)"), "{note}");
    }

    #[test]
    fn a_distinct_successor_refused_when_tried_is_no_fork() {
        let group = vec![ok("x"), ok("y")];
        assert_eq!(check(&ONE, &[s(1, true), s(1, false)], &group), None);
        assert_eq!(identical_note(&[s(1, true), s(1, false)]), None);
    }

    #[test]
    fn an_error_sent_with_status_200_is_not_a_success() {
        let json = serde_json::json!({"error": "invalid_grant"});
        let r = Response {
            status: 200,
            json: Some(json),
            ..Default::default()
        };
        assert!(!is_success(&r));
    }
}
