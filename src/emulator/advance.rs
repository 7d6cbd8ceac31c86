//! `POST /_emulator/advance` `{"tokens": [...], "seconds": N}`: move the
//! virtual clock of every family those tokens (access or refresh, dead or
//! alive) belong to forward by N seconds. Answers `{"advanced": families}`.
//! Test control only; nothing else about a family changes.

use super::app::App;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

#[derive(Deserialize)]
struct Advance {
    tokens: Vec<String>,
    seconds: f64,
}

pub(crate) async fn advance(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let req: Advance = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(&format!(
                "expected {{\"tokens\": [...], \"seconds\": N}}: {e}"
            ))
        }
    };
    if !req.seconds.is_finite() || req.seconds < 0.0 || req.seconds > 1e10 {
        return bad("seconds must be a non-negative number");
    }
    let ms = (req.seconds * 1000.0).round() as i64;
    let mut done: Vec<*const super::store::Family> = Vec::new();
    for t in &req.tokens {
        if let Some(token) = app.store.get(t) {
            let ptr = Arc::as_ptr(&token.family);
            if !done.contains(&ptr) {
                token.family.advance(ms);
                done.push(ptr);
            }
        }
    }
    axum::Json(json!({ "advanced": done.len() })).into_response()
}

fn bad(description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": "invalid_request", "error_description": description })),
    )
        .into_response()
}
