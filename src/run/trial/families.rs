//! Token families: each grant step starts one; a successful refresh moves
//! the family to its new refresh token (`{{grant.current_refresh_token}}`),
//! and the family's original scope is what an omitted scope means.

use super::Trial;
use crate::judge::Response;

impl Trial<'_> {
    /// A grant step `name` obtained refresh token `rt`.
    pub(crate) fn start_family(&mut self, name: &str, rt: &str) {
        self.families.insert(name.to_string(), rt.to_string());
        self.token_family.insert(rt.to_string(), name.to_string());
    }

    /// Track the family's current refresh token when a refresh succeeds.
    pub(crate) fn follow_rotation(&mut self, presented: &str, r: &Response) {
        let Some(family) = self.token_family.get(presented).cloned() else {
            return;
        };
        if r.status != 200 {
            return;
        }
        if let Some(new) = r.field_str("refresh_token") {
            self.families.insert(family.clone(), new.to_string());
            self.token_family.insert(new.to_string(), family);
            if new != presented {
                self.env.update_seed(presented, new);
            }
        }
    }

    /// The grant step whose family `token` belongs to.
    pub(crate) fn family_of(&self, token: &str) -> Option<String> {
        self.token_family.get(token).cloned()
    }

    /// The scope the family of `token` was granted (RFC 6749 §6: an omitted
    /// scope means the original).
    pub(crate) fn family_scope(&self, token: &str) -> Option<String> {
        self.token_family
            .get(token)
            .and_then(|g| self.responses.get(g))
            .and_then(|r| r.effective_scope())
    }
}
