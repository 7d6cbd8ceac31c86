//! `revoke`: RFC 7009 token revocation.

use super::{Produced, Stop, Trial};
use crate::oauth::Endpoint;
use crate::scenario::model::{RevokeAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &RevokeAction,
) -> Result<Produced, Stop> {
    let shape = (&a.client, a.token.as_str(), &a.token_type_hint, a.auth);
    super::token_request(t, name, step, Endpoint::Revocation, shape).await
}
