//! The hostile answers, one per case: bodies that are wrong in shape
//! (`malformed`), in value (`misvalued`), or in how they are sent (`misbehave`:
//! huge, trickling, reset, never answered).

use super::*;

/// Answer one non-grant request; false when the connection is finished.
pub(crate) async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    state: &State,
    endpoint: Endpoint,
    req: &Req,
    n: usize,
) -> bool {
    let presented = req
        .form
        .get("refresh_token")
        .or(req.form.get("token"))
        .cloned()
        .unwrap_or_default();
    let (status, body) = correct(endpoint, req, n);
    let body_text = body.as_ref().map(|b| b.to_string()).unwrap_or_default();
    let w = r.get_mut();
    let right = || response(status, "application/json", &[], body_text.as_bytes());
    let out = match state.case {
        Case::Good => right(),
        Case::Huge | Case::Trickle | Case::Reset | Case::Hang => {
            state.hostile.fetch_add(1, Ordering::SeqCst);
            misbehave(w, state.case, &body_text).await;
            return false;
        }
        Case::TooManyOnce => {
            let first = state
                .presented
                .lock()
                .unwrap()
                .insert(format!("{endpoint:?}:{presented}"));
            if !first {
                let _ = w.write_all(&right()).await;
                return true;
            }
            response(
                429,
                "text/plain",
                &[("retry-after", "0".into())],
                b"slow down",
            )
        }
        case => match malformed(case, endpoint, status, &body_text, &presented) {
            Some(out) => out,
            None => misvalued(state, endpoint, status, body.as_ref(), &presented),
        },
    };
    if state.case != Case::Good {
        state.hostile.fetch_add(1, Ordering::SeqCst);
    }
    w.write_all(&out).await.is_ok()
}

/// A sign-in page that echoes the token it was sent (as some IdPs do).
fn html(title: &str, presented: &str) -> String {
    format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1><p>Your session for {presented} has ended. Please sign in.</p></body></html>")
}

/// Answers whose body is not the JSON it should be; None for other cases.
fn malformed(
    case: Case,
    endpoint: Endpoint,
    status: u16,
    body_text: &str,
    presented: &str,
) -> Option<Vec<u8>> {
    Some(match case {
        Case::Html200 => response(
            200,
            "text/html; charset=utf-8",
            &[],
            html("Sign in", presented).as_bytes(),
        ),
        Case::Html500 => response(
            500,
            "text/html",
            &[],
            html("500 Internal Server Error", presented).as_bytes(),
        ),
        Case::Truncated => response(
            status,
            "application/json",
            &[],
            &body_text.as_bytes()[..body_text.len() / 2],
        ),
        Case::Empty => response(status, "application/json", &[], b""),
        Case::WrongContentType => response(status, "text/plain", &[], body_text.as_bytes()),
        Case::DuplicateKeys => {
            let (key, other) = checked_member(endpoint);
            let text = match body_text.strip_suffix('}') {
                Some(head) => format!("{head},\"{key}\":{other}}}"),
                None => format!("{{\"{key}\":1,\"{key}\":{other}}}"),
            };
            response(status, "application/json", &[], text.as_bytes())
        }
        Case::NonUtf8 => {
            let text = match body_text.strip_suffix('}') {
                Some(head) => format!("{head},\"x_note\":\"@@\"}}"),
                None => "{\"x_note\":\"@@\"}".to_string(),
            };
            let mut bytes = text.into_bytes();
            let at = bytes.windows(2).position(|w| w == b"@@").unwrap();
            bytes.splice(at..at + 2, [0xff, 0xfe, 0xc3]);
            response(status, "application/json", &[], &bytes)
        }
        Case::TokenFlood => {
            let members: Vec<String> = (0..16_000)
                .map(|i| format!("\"access_token\":\"canary-access-token-flood-{i:05}\""))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            response(status, "application/json", &[], text.as_bytes())
        }
        _ => return None,
    })
}

/// Answers with a wrong value or status: `expires_in`, an error with 200,
/// 429, 503, redirects.
fn misvalued(
    state: &State,
    endpoint: Endpoint,
    status: u16,
    body: Option<&serde_json::Value>,
    presented: &str,
) -> Vec<u8> {
    let body_text = body.map(|b| b.to_string()).unwrap_or_default();
    let expires = |v: &str| match (endpoint, body) {
        (Endpoint::Token, Some(b)) => {
            let mut b = b.clone();
            b["expires_in"] = serde_json::Value::Null;
            let text = b
                .to_string()
                .replace("\"expires_in\":null", &format!("\"expires_in\":{v}"));
            response(200, "application/json", &[], text.as_bytes())
        }
        _ => response(status, "application/json", &[], body_text.as_bytes()),
    };
    match state.case {
        Case::ExpiresString => expires("\"3600\""),
        Case::ExpiresNegative => expires("-3600"),
        Case::ExpiresHuge => expires("1000000000000000000000000000000000000"),
        Case::ErrorWith200 => {
            let code = if endpoint == Endpoint::Introspection {
                "invalid_token"
            } else {
                "invalid_grant"
            };
            let body = serde_json::json!({ "error": code }).to_string();
            response(200, "application/json", &[], body.as_bytes())
        }
        Case::TooMany { retry_after } => response(
            429,
            "text/plain",
            &[("retry-after", retry_after.to_string())],
            b"slow down",
        ),
        Case::Unavailable => response(
            503,
            "text/html",
            &[],
            html("Service Unavailable", presented).as_bytes(),
        ),
        Case::Redirect { status: code } => {
            let location = format!("{}?moved=1", state.elsewhere);
            response(
                code,
                "text/html",
                &[("location", location)],
                b"<a href=\"elsewhere\">moved</a>",
            )
        }
        other => panic!("case {other:?} has no misvalued answer"),
    }
}

/// Answers that go wrong in the sending; the connection ends after each.
async fn misbehave<W: AsyncWrite + Unpin>(w: &mut W, case: Case, body_text: &str) {
    match case {
        Case::Huge => {
            // 100 MB announced and streamed in 64 KiB pieces until the client hangs up.
            const TOTAL: usize = 100_000_000;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {TOTAL}\r\n\r\n");
            if w.write_all(head.as_bytes()).await.is_err()
                || w.write_all(b"{\"access_token\":\"").await.is_err()
            {
                return;
            }
            let chunk = vec![b'A'; 64 << 10];
            let mut sent = 17;
            while sent + chunk.len() <= TOTAL {
                if w.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        Case::Trickle => {
            // (An empty body, the revocation's, would be complete at once: trickle one anyway.)
            let text = if body_text.is_empty() {
                "{\"revoked\": true}".to_string()
            } else {
                body_text.to_string()
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                text.len()
            );
            if w.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for b in text.bytes() {
                if w.write_all(&[b]).await.is_err() || w.flush().await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Case::Reset => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body_text.len().max(40)
            );
            let _ = w.write_all(head.as_bytes()).await;
            let _ = w
                .write_all(&body_text.as_bytes()[..body_text.len() / 2])
                .await;
            let _ = w.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // The caller drops the socket with SO_LINGER 0: an RST, not a FIN.
        }
        _ => {
            // Hang: accepted, read, never answered (bounded: the client gives up long before).
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}
