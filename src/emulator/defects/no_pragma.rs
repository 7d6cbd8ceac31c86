//! Defect `no-pragma`: token responses lack Pragma: no-cache (RFC 6749 §5.1).

use super::Defect;
use axum::http::{header, HeaderMap};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-pragma"
    }
    fn description(&self) -> &'static str {
        "token responses lack Pragma: no-cache (RFC 6749 §5.1)"
    }
    fn headers(&self, h: &mut HeaderMap, _success: bool) {
        h.remove(header::PRAGMA);
    }
}
