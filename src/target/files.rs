//! What a target file names by path or by name: files relative to it, and
//! the profile it follows (built in, or a profile file beside it).

use crate::behaviour::{builtin_profile, builtin_profiles, Profile};
use crate::doc::suggest;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default per-request timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// `rel` relative to the directory of `file`.
pub(crate) fn relative_to(file: &Path, rel: &str) -> PathBuf {
    let p = Path::new(rel);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(p),
        _ => p.to_path_buf(),
    }
}

/// A profile name, or a path to a profile file (ending in `.toml`) relative
/// to the target file.
fn is_profile_path(name: &str) -> bool {
    name.ends_with(".toml")
}

pub(super) fn load_profile(target_path: &Path, name: &str) -> Result<Profile, String> {
    if is_profile_path(name) {
        let p = relative_to(target_path, name);
        let text = crate::doc::read::read_text_capped(&p, crate::doc::read::MAX_USER_FILE)
            .map_err(|e| format!("cannot read profile file: {e}"))?;
        Profile::parse(&p.display().to_string(), &text)
    } else {
        builtin_profile(name).ok_or_else(|| {
            let known: Vec<String> = builtin_profiles().into_iter().map(|p| p.name).collect();
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            format!(
                "unknown profile `{name}`{} (built in: {}; or give a profile file ending in `.toml`)",
                suggest(name, &names),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )
        })
    }
}
