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
    let call = super::TokenCall {
        client: a.client.as_ref(),
        token: &a.token,
        hint: a.token_type_hint.as_ref(),
        auth: a.auth,
    };
    super::token_request(t, name, step, Endpoint::Revocation, call).await
}
