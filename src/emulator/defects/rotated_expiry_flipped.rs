//! Defect `rotated-expiry-flipped`: rotated refresh tokens get the other expiry rule (original <-> renewed).

use super::super::behaviour::{Behaviour, RotatedExpiry};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rotated-expiry-flipped"
    }
    fn description(&self) -> &'static str {
        "rotated refresh tokens get the other expiry rule (original <-> renewed)"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.rotated_expiry = match b.rotated_expiry {
            RotatedExpiry::Original => RotatedExpiry::Renewed,
            RotatedExpiry::Renewed => RotatedExpiry::Original,
        };
    }
}
