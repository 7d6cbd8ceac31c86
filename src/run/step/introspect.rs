//! `introspect`: RFC 7662 token introspection.

use super::{Produced, Stop, Trial};
use crate::oauth::Endpoint;
use crate::scenario::model::{IntrospectAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &IntrospectAction,
) -> Result<Produced, Stop> {
    let call = super::TokenCall {
        client: a.client.as_ref(),
        token: &a.token,
        hint: a.token_type_hint.as_ref(),
        auth: a.auth,
    };
    super::token_request(t, name, step, Endpoint::Introspection, call).await
}
