//! The successful token response (RFC 6749 §5.1) and the headers every token
//! endpoint response carries.

use super::app::App;
use super::error::OAuthError;
pub use super::wire::TokenBody;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Render a token endpoint outcome: defects rewrite bodies and errors, then
/// `Cache-Control: no-store` and `Pragma: no-cache` go on every response.
pub(crate) fn finish(app: &App, result: Result<TokenBody, OAuthError>) -> Response {
    let success = result.is_ok();
    let mut resp = match result {
        Ok(mut body) => {
            app.defects.success_body(&mut body);
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        Err(mut e) => {
            app.defects.error(&mut e);
            e.into_response()
        }
    };
    no_store(resp.headers_mut());
    app.defects.headers(resp.headers_mut(), success);
    resp
}

pub(crate) fn no_store(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
