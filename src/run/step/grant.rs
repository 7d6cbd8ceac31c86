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
    let r = crate::run::grant::obtain(t, name, &client, &scope, a.scope.is_some(), &params).await?;
    if r.status == 200 {
        if let Some(rt) = r.field_str("refresh_token") {
            t.start_family(name, rt);
        }
    }
    Ok(Produced::one(r))
}
