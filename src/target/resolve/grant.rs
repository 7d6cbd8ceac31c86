//! Turning a `[grant]` table into a [`GrantSource`]: reads its password or
//! seed token, and makes a command's program path relative to the target file.

use super::super::files::relative_to;
use super::super::model::{GrantFile, SecretRef};
use super::super::GrantSource;
use super::Resolver;
use crate::oauth::GrantKind;
use std::path::Path;

impl Resolver<'_> {
    /// `who` names the owner in messages ("client `main`"); `owner` labels
    /// its secrets (`‹password:main›`).
    pub(super) fn grant(
        &mut self,
        g: &GrantFile,
        who: &str,
        keypath: &[&str],
        owner: &str,
    ) -> Option<GrantSource> {
        let at = |k: &'static str| -> Vec<&str> {
            let mut p = keypath.to_vec();
            p.push(k);
            p
        };
        match g.kind {
            GrantKind::Password | GrantKind::AuthorizationCode => {
                let username = g.username.clone().unwrap_or_default();
                let r = g.password.as_ref()?;
                let password = self.read_secret(r, who, &at("password"), true);
                let password = self.keep(password)?;
                self.secrets.add(&password, format!("‹password:{owner}›"));
                Some(if g.kind == GrantKind::Password {
                    GrantSource::Password {
                        username,
                        password,
                        params: g.params.clone(),
                    }
                } else {
                    let redirect_uri = g
                        .params
                        .get("redirect_uri")
                        .cloned()
                        .unwrap_or_else(|| super::super::emulated::REDIRECT_URI.to_string());
                    GrantSource::AuthorizationCode {
                        username,
                        password,
                        redirect_uri,
                    }
                })
            }
            GrantKind::Command => {
                let mut argv = g.command.clone().unwrap_or_default();
                if let Some(program) = argv.first_mut() {
                    // `./login.sh` is relative to the target file, not to wherever the tool runs.
                    if program.contains('/') && Path::new(program.as_str()).is_relative() {
                        *program = relative_to(self.path, program).display().to_string();
                    }
                }
                Some(GrantSource::Command {
                    argv,
                    scope_selectable: g.scope_selectable.unwrap_or(true),
                    repeatable: g.repeatable.unwrap_or(true),
                })
            }
            GrantKind::RefreshTokenEnv => {
                let var = g.env.clone().unwrap_or_default();
                let token =
                    self.read_secret(&SecretRef::Env { env: var.clone() }, who, &at("env"), true);
                let token = self.keep(token)?;
                let label = if self.secrets.has_label("‹rt:seed›") {
                    format!("‹rt:seed-{owner}›")
                } else {
                    "‹rt:seed›".to_string()
                };
                self.secrets.add(&token, label);
                Some(GrantSource::RefreshTokenEnv { var, token })
            }
        }
    }
}
