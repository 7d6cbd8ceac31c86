//! What a token family remembers of its own tokens: the `KEPT` most recently
//! issued or used refresh tokens and the `KEPT` most recently issued access
//! tokens. A token that falls out is forgotten by the store, so a family
//! refreshed millions of times holds at most 2 × `KEPT` tokens.
//!
//! Why a bounded history and not O(families) state (tokens carrying a MAC'd
//! family and generation, per-family watermarks): a token here has state of
//! its own that a watermark cannot hold (last use for idle expiry, use count
//! for `refresh_token_max_reuse`, the answer `same_successor` repeats, its
//! own scope, revocation of one access token), and token values must stay
//! whatever `mint` makes (`[tokens] bytes`, the `short-tokens` defect). The
//! bound is far above what a scenario does with one family (a few refreshes,
//! a `repeat` of a profile's `refresh_token_max_reuse`); past it a rotated
//! refresh token is unknown rather than reused (refused, `invalid_grant`,
//! but no reuse detection), and an older access token introspects inactive.
//!
//! Generic over the token type so that this file imports nothing of the
//! store (which holds a history in each family).

use std::collections::VecDeque;
use std::sync::{Arc, Weak};

/// Tokens of each kind a family remembers (docs/when-things-go-wrong.md).
pub(crate) const KEPT: usize = 64;

/// A remembered token: its value (the store's key) and which token it was,
/// so forgetting it never removes another token minted with the same value.
pub(crate) struct Entry<T> {
    pub value: Arc<str>,
    pub token: Weak<T>,
}

impl<T> Entry<T> {
    pub(crate) fn is(&self, token: &Arc<T>) -> bool {
        std::ptr::eq(self.token.as_ptr(), Arc::as_ptr(token))
    }
}

pub(crate) struct History<T> {
    refresh: VecDeque<Entry<T>>,
    access: VecDeque<Entry<T>>,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History {
            refresh: VecDeque::new(),
            access: VecDeque::new(),
        }
    }
}

impl<T> History<T> {
    /// Remember a newly issued token; the oldest of its kind falls out past `KEPT`.
    pub(crate) fn push(
        &mut self,
        refresh: bool,
        value: Arc<str>,
        token: &Arc<T>,
    ) -> Option<Entry<T>> {
        let list = if refresh {
            &mut self.refresh
        } else {
            &mut self.access
        };
        list.push_back(Entry {
            value,
            token: Arc::downgrade(token),
        });
        (list.len() > KEPT).then(|| list.pop_front()).flatten()
    }

    /// A refresh token used again becomes the newest, so a client that keeps
    /// one token (no rotation, or old tokens kept valid) never loses it.
    /// Searched from the newest end: the token just used is almost always there.
    pub(crate) fn touch(&mut self, token: &Arc<T>) {
        let Some(i) = self.refresh.iter().rposition(|e| e.is(token)) else {
            return;
        };
        if i + 1 < self.refresh.len() {
            if let Some(e) = self.refresh.remove(i) {
                self.refresh.push_back(e);
            }
        }
    }

    #[cfg(test)]
    fn values(&self, refresh: bool) -> Vec<&str> {
        let list = if refresh { &self.refresh } else { &self.access };
        list.iter().map(|e| &*e.value).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{History, KEPT};
    use std::sync::Arc;

    #[test]
    fn each_kind_keeps_its_newest_tokens_and_hands_back_the_one_that_falls_out() {
        let mut h = History::default();
        let tokens: Vec<Arc<u32>> = (0..KEPT as u32 + 2).map(Arc::new).collect();
        let mut out = Vec::new();
        for t in &tokens {
            out.extend(h.push(true, t.to_string().into(), t));
        }
        assert!(h.push(false, "a".into(), &tokens[0]).is_none());
        let gone: Vec<&str> = out.iter().map(|e| &*e.value).collect();
        assert_eq!(gone, ["0", "1"]);
        assert!(out[0].is(&tokens[0]) && !out[0].is(&tokens[1]));
        assert_eq!(h.values(true).len(), KEPT);
        assert_eq!(h.values(false), ["a"]);
    }

    #[test]
    fn a_token_used_again_outlives_newer_ones_never_used() {
        let mut h = History::default();
        let kept = Arc::new(0u32);
        h.push(true, "kept".into(), &kept);
        for i in 1..=(3 * KEPT as u32) {
            h.touch(&kept);
            let minted = Arc::new(i);
            let out = h.push(true, i.to_string().into(), &minted);
            assert!(out.is_none_or(|e| !e.is(&kept)), "the used token fell out");
        }
        assert!(h.values(true).contains(&"kept"));
    }
}
