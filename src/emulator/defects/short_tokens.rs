//! Defect `short-tokens`: token values are 8 hex characters (32 bits, RFC 6749 §10.10 wants 128).

use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "short-tokens"
    }
    fn description(&self) -> &'static str {
        "token values are 8 hex characters (32 bits, RFC 6749 §10.10 wants 128)"
    }
    fn token_value(&self) -> Option<String> {
        use rand::RngExt;
        Some(format!("{:08x}", rand::rng().random::<u32>()))
    }
}
