//! Reading secrets named by reference (`{ env = "..." }`, `{ file = "..." }`)
//! and collecting every secret with its redaction label.

use super::super::files::relative_to;
use super::super::model::SecretRef;
use super::Resolver;

/// Every secret of the target with its label, for the redactor.
#[derive(Default)]
pub(super) struct Secrets(pub(super) Vec<(String, String)>);

impl Secrets {
    pub(super) fn add(&mut self, value: &str, label: String) {
        if !value.is_empty() && !self.0.iter().any(|(v, _)| v == value) {
            self.0.push((value.to_string(), label));
        }
    }

    pub(super) fn has_label(&self, label: &str) -> bool {
        self.0.iter().any(|(_, l)| l == label)
    }
}

/// Headers whose values are credentials (redacted like secrets).
pub(super) fn header_is_credential(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "authorization",
        "cookie",
        "key",
        "token",
        "secret",
        "password",
        "credential",
        "auth",
    ]
    .iter()
    .any(|w| n.contains(w))
}

impl Resolver<'_> {
    /// Read a secret reference. `who` is "client `main`" or "the target-wide
    /// grant"; `trim` drops a trailing newline (not for PEM keys). Errors
    /// name the variable or file, never a value.
    pub(super) fn read_secret(
        &self,
        r: &SecretRef,
        who: &str,
        keypath: &[&str],
        trim: bool,
    ) -> Result<String, String> {
        let key = keypath.join(".");
        let value = match r {
            SecretRef::Env { env } => match std::env::var(env) {
                Ok(v) if v.trim().is_empty() => Err(format!(
                    "{who}: environment variable `{env}` ({key}) is set but empty"
                )),
                Ok(v) => Ok(v),
                Err(std::env::VarError::NotPresent) => Err(format!(
                    "{who}: environment variable `{env}` ({key}) is not set"
                )),
                Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                    "{who}: environment variable `{env}` ({key}) is not valid UTF-8"
                )),
            },
            SecretRef::File { file } => {
                let p = relative_to(self.path, file);
                match crate::doc::read::read_text_capped(&p, crate::doc::read::MAX_USER_FILE) {
                    Ok(v) if v.trim().is_empty() => {
                        Err(format!("{who}: file `{}` ({key}) is empty", p.display()))
                    }
                    Ok(v) => Ok(v),
                    Err(e) => Err(format!("{who}: cannot read file ({key}): {e}")),
                }
            }
            SecretRef::Literal(_) => Err(format!(
                "{who}: `{key}` must be {{ env = \"...\" }} or {{ file = \"...\" }}"
            )),
        };
        value
            .map(|v| {
                if trim {
                    v.trim_end_matches(['\r', '\n']).to_string()
                } else {
                    v
                }
            })
            .map_err(|m| self.at(keypath, &m))
    }

    /// Where a secret came from, in words (for messages about its content).
    pub(super) fn source_of(&self, r: &SecretRef) -> String {
        match r {
            SecretRef::Env { env } => format!("environment variable `{env}`"),
            SecretRef::File { file } => {
                format!("file `{}`", relative_to(self.path, file).display())
            }
            SecretRef::Literal(_) => "the target file".into(),
        }
    }
}
