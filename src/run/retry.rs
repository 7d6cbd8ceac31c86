//! Live-target hygiene: when (and how long) to retry a request.
//!
//! Rules:
//! - Only a `429 Too Many Requests` or `503 Service Unavailable` answer is
//!   retried. A timeout or connection error (no status) never is: the server
//!   may have processed the request, and a refresh it processed consumed the
//!   token; replaying a consumed refresh token trips reuse detection and
//!   revokes the family, which would look like a failure of the IdP.
//! - A *consuming* request (a refresh) is retried only after 429: a rate
//!   limiter answers before the grant is processed, whereas a 503 may come
//!   from a proxy after the backend already rotated the token.
//! - Retries are bounded by a number of attempts and a total wait.
//!
//! The wait comes from `Retry-After` (delay-seconds or an HTTP date,
//! RFC 9110 §10.2.3), else Okta's `X-Rate-Limit-Reset` or Auth0's
//! `X-RateLimit-Reset` (epoch seconds when the window resets).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Statuses that may be retried.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 503
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Values below this are read as delta-seconds rather than an epoch time
/// (some gateways send "seconds until reset" in the same header).
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

fn until_epoch(epoch: u64, now: SystemTime) -> Duration {
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs(epoch).saturating_sub(now)
}

/// How long the server asks us to wait before retrying, for 429 and 503
/// answers only. `Retry-After` wins over the vendor headers. A time in the
/// past gives `Duration::ZERO`. `None` when the status is not retryable or
/// no header says.
pub(crate) fn retry_after(
    status: u16,
    headers: &[(String, String)],
    now: SystemTime,
) -> Option<Duration> {
    if !is_retryable_status(status) {
        return None;
    }
    if let Some(v) = header(headers, "retry-after") {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Some(at) = parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    for name in ["x-rate-limit-reset", "x-ratelimit-reset"] {
        if let Some(v) = header(headers, name) {
            // Some send fractional seconds.
            let secs = v.parse::<u64>().ok().or_else(|| {
                v.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f.ceil() as u64)
            });
            if let Some(secs) = secs {
                return Some(if secs < EPOCH_THRESHOLD {
                    Duration::from_secs(secs)
                } else {
                    until_epoch(secs, now)
                });
            }
        }
    }
    None
}

/// Whether to send the request again.
///
/// - `status`: the answer's status, `None` after a timeout or connection error (never retried).
/// - `attempt`: attempts made so far (1 after the first request).
/// - `max_attempts`: total attempts allowed (1 = no retries).
/// - `waited`: total time already spent waiting for retries of this request.
/// - `max_wait`: the bound on that total.
/// - `consuming`: the request uses up what it presents (a refresh): only a 429 is retried.
pub(crate) fn should_retry(
    status: Option<u16>,
    attempt: u32,
    max_attempts: u32,
    waited: Duration,
    max_wait: Duration,
    consuming: bool,
) -> bool {
    let Some(status) = status else { return false };
    if !is_retryable_status(status) {
        return false;
    }
    if consuming && status != 429 {
        return false;
    }
    attempt < max_attempts && waited < max_wait
}

/// The whole decision: `Some(delay)` to wait `delay` and retry, `None` to
/// give up. The delay is the server's (see [`retry_after`]) or else an
/// exponential backoff from `base` (base, 2·base, 4·base, ...); a delay that
/// would take the total wait past `max_wait` gives up instead.
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_retry(
    status: Option<u16>,
    headers: &[(String, String)],
    attempt: u32,
    max_attempts: u32,
    waited: Duration,
    max_wait: Duration,
    consuming: bool,
    base: Duration,
    now: SystemTime,
) -> Option<Duration> {
    if !should_retry(status, attempt, max_attempts, waited, max_wait, consuming) {
        return None;
    }
    let status = status?;
    let delay = retry_after(status, headers, now)
        .unwrap_or_else(|| base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)));
    (waited.saturating_add(delay) <= max_wait).then_some(delay)
}

/// An HTTP date (RFC 9110 §5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
/// and the obsolete RFC 850 and asctime forms recipients must accept.
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(s.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }
    const NOW: u64 = 1_784_000_000;

    #[test]
    fn retry_after_seconds() {
        assert_eq!(
            retry_after(429, &h(&[("Retry-After", "7")]), at(NOW)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(503, &h(&[("retry-after", " 0 ")]), at(NOW)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn only_429_and_503() {
        for status in [200, 400, 401, 403, 500, 502, 504] {
            assert_eq!(
                retry_after(status, &h(&[("Retry-After", "7")]), at(NOW)),
                None,
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_http_dates() {
        // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT
        let t = 784_111_777;
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(form), Some(at(t)), "{form}");
            assert_eq!(
                retry_after(429, &h(&[("Retry-After", form)]), at(t - 30)),
                Some(Duration::from_secs(30)),
                "{form}"
            );
        }
        // In the past: retry now.
        assert_eq!(
            retry_after(
                429,
                &h(&[("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")]),
                at(NOW)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_http_date("2024-01-01T00:00:00Z"), None);
        assert_eq!(parse_http_date("Sun, 32 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"), None);
        // Leap day and end of year.
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(at(1_709_164_800))
        );
        assert_eq!(
            parse_http_date("Tue, 31 Dec 2024 23:59:59 GMT"),
            Some(at(1_735_689_599))
        );
    }

    #[test]
    fn vendor_reset_headers() {
        assert_eq!(
            retry_after(
                429,
                &h(&[("X-Rate-Limit-Reset", &(NOW + 12).to_string())]),
                at(NOW)
            ),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            retry_after(
                429,
                &h(&[("x-ratelimit-reset", &(NOW + 3).to_string())]),
                at(NOW)
            ),
            Some(Duration::from_secs(3))
        );
        // Already reset.
        assert_eq!(
            retry_after(
                429,
                &h(&[("X-RateLimit-Reset", &(NOW - 5).to_string())]),
                at(NOW)
            ),
            Some(Duration::ZERO)
        );
        // Small values are delta-seconds.
        assert_eq!(
            retry_after(429, &h(&[("X-RateLimit-Reset", "4")]), at(NOW)),
            Some(Duration::from_secs(4))
        );
        // Retry-After wins.
        assert_eq!(
            retry_after(
                429,
                &h(&[
                    ("X-Rate-Limit-Reset", &(NOW + 60).to_string()),
                    ("Retry-After", "2")
                ]),
                at(NOW)
            ),
            Some(Duration::from_secs(2))
        );
        // Garbage and absence.
        assert_eq!(
            retry_after(429, &h(&[("Retry-After", "soon")]), at(NOW)),
            None
        );
        assert_eq!(
            retry_after(429, &h(&[("X-RateLimit-Reset", "-3")]), at(NOW)),
            None
        );
        assert_eq!(retry_after(429, &[], at(NOW)), None);
        // X-RateLimit-Remaining is not a reset time.
        assert_eq!(
            retry_after(429, &h(&[("X-RateLimit-Remaining", "0")]), at(NOW)),
            None
        );
    }

    const S: Duration = Duration::from_secs(1);
    const MAX: Duration = Duration::from_secs(30);

    #[test]
    fn never_after_timeout_or_connection_error() {
        assert!(!should_retry(None, 1, 5, Duration::ZERO, MAX, false));
        assert!(!should_retry(None, 1, 5, Duration::ZERO, MAX, true));
    }

    #[test]
    fn only_after_429_or_503() {
        for status in [200, 400, 401, 500, 502, 504] {
            assert!(
                !should_retry(Some(status), 1, 5, Duration::ZERO, MAX, false),
                "{status}"
            );
        }
        assert!(should_retry(Some(429), 1, 5, Duration::ZERO, MAX, false));
        assert!(should_retry(Some(503), 1, 5, Duration::ZERO, MAX, false));
    }

    #[test]
    fn consuming_requests_retry_only_after_429() {
        assert!(should_retry(Some(429), 1, 5, Duration::ZERO, MAX, true));
        assert!(!should_retry(Some(503), 1, 5, Duration::ZERO, MAX, true));
    }

    #[test]
    fn bounded_by_attempts_and_wait() {
        assert!(should_retry(Some(429), 2, 3, S, MAX, false));
        assert!(!should_retry(Some(429), 3, 3, S, MAX, false));
        assert!(!should_retry(Some(429), 1, 1, Duration::ZERO, MAX, false));
        assert!(!should_retry(Some(429), 1, 0, Duration::ZERO, MAX, false));
        assert!(!should_retry(Some(429), 1, 5, MAX, MAX, false));
        assert!(!should_retry(Some(429), 1, 5, MAX + S, MAX, false));
        assert!(!should_retry(
            Some(429),
            1,
            5,
            Duration::ZERO,
            Duration::ZERO,
            false
        ));
    }

    #[test]
    fn plan_uses_server_delay_or_backoff_within_bounds() {
        let now = at(NOW);
        let ra = h(&[("Retry-After", "5")]);
        assert_eq!(
            plan_retry(Some(429), &ra, 1, 5, Duration::ZERO, MAX, true, S, now),
            Some(5 * S)
        );
        // Would exceed the total wait: give up.
        assert_eq!(
            plan_retry(Some(429), &ra, 1, 5, 26 * S, MAX, false, S, now),
            None
        );
        assert_eq!(
            plan_retry(Some(429), &ra, 1, 5, 25 * S, MAX, false, S, now),
            Some(5 * S)
        );
        // Backoff: 1, 2, 4, ...
        assert_eq!(
            plan_retry(Some(503), &[], 1, 5, Duration::ZERO, MAX, false, S, now),
            Some(S)
        );
        assert_eq!(
            plan_retry(Some(503), &[], 2, 5, S, MAX, false, S, now),
            Some(2 * S)
        );
        assert_eq!(
            plan_retry(Some(503), &[], 3, 5, 3 * S, MAX, false, S, now),
            Some(4 * S)
        );
        // Huge attempt numbers do not overflow.
        assert_eq!(
            plan_retry(
                Some(503),
                &[],
                40,
                50,
                Duration::ZERO,
                Duration::MAX,
                false,
                S,
                now
            ),
            Some(65536 * S)
        );
        // Never for timeouts, or 503 on a refresh.
        assert_eq!(
            plan_retry(None, &ra, 1, 5, Duration::ZERO, MAX, false, S, now),
            None
        );
        assert_eq!(
            plan_retry(Some(503), &ra, 1, 5, Duration::ZERO, MAX, true, S, now),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn no_status_never_retries(attempt in 0u32..10, max in 0u32..10, waited in 0u64..100, max_wait in 0u64..100, consuming: bool) {
            proptest::prop_assert!(!should_retry(None, attempt, max, Duration::from_secs(waited), Duration::from_secs(max_wait), consuming));
        }

        #[test]
        fn planned_delays_respect_the_bound(status in proptest::sample::select(vec![200u16, 429, 500, 503]), attempt in 1u32..20, waited in 0u64..60, ra in 0u64..120) {
            let hdr = h(&[("Retry-After", &ra.to_string())]);
            if let Some(d) = plan_retry(Some(status), &hdr, attempt, 10, Duration::from_secs(waited), MAX, false, S, at(NOW)) {
                proptest::prop_assert!(Duration::from_secs(waited) + d <= MAX);
                proptest::prop_assert!(attempt < 10);
                proptest::prop_assert!(status == 429 || status == 503);
            }
        }

        #[test]
        fn http_date_parser_never_panics(s in ".{0,40}") {
            let _ = parse_http_date(&s);
        }
    }
}
