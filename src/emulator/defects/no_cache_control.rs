//! Defect `no-cache-control`: token responses lack Cache-Control: no-store (RFC 6749 §5.1).

use super::Defect;
use axum::http::{header, HeaderMap};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-cache-control"
    }
    fn description(&self) -> &'static str {
        "token responses lack Cache-Control: no-store (RFC 6749 §5.1)"
    }
    fn headers(&self, h: &mut HeaderMap, _success: bool) {
        h.remove(header::CACHE_CONTROL);
    }
}
