//! Defect `wrong-content-type`: successful JSON token responses are labelled text/plain.

use super::Defect;
use axum::http::{header, HeaderMap, HeaderValue};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "wrong-content-type"
    }
    fn description(&self) -> &'static str {
        "successful JSON token responses are labelled text/plain"
    }
    fn headers(&self, h: &mut HeaderMap, success: bool) {
        let json = success
            && h.get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if json {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
    }
}
