//! Defect `race-double-spend`: concurrent refreshes of one token that land within the 2 ms between its check and its consumption all succeed (check and consume are not atomic).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "race-double-spend"
    }
    fn description(&self) -> &'static str {
        "concurrent refreshes of one token that land within the 2 ms between its check and its consumption all succeed (check and consume are not atomic)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::NonAtomicRefresh
    }
}
