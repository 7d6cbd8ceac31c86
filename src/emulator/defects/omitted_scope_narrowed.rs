//! Defect `omitted-scope-narrowed`: a refresh without scope drops the last scope of the original.

use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "omitted-scope-narrowed"
    }
    fn description(&self) -> &'static str {
        "a refresh without scope drops the last scope of the original"
    }
    fn omitted_scope(&self, scope: &mut Vec<String>) {
        if scope.len() > 1 {
            scope.pop();
        }
    }
}
