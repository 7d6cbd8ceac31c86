//! `grant`: a fresh grant with a refresh token from the client's grant source;
//! it starts a token family.

use super::{Produced, Stop, Trial};
use crate::scenario::model::{GrantAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &GrantAction,
) -> Result<Produced, Stop> {
    let client = t.client(a.client.as_ref())?;
    let scope = t.render(a.scope.as_deref().unwrap_or("{{scopes.granted}}"))?;
    let params = t.params(step)?.into_iter().collect();
    t.dpop_begin_grant(&client)?;
    let r = crate::run::grant::obtain(t, name, &client, &scope, a.scope.is_some(), &params).await;
    let mut started = false;
    if let Ok(r) = &r {
        if let (200, Some(rt)) = (r.status, r.field_str("refresh_token")) {
            t.start_family(name, rt);
            started = true;
        }
    }
    t.dpop_end_grant(name, started);
    let r = r?;
    Ok(Produced::one(r))
}
