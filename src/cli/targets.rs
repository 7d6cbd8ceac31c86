//! Turning `--target` arguments into running targets.

use refresh_conformance::behaviour::builtin_profiles;
use refresh_conformance::target::{emulated, Target};

/// `emulated:<profile>` or a target file path. Defects apply to emulated targets only.
pub async fn resolve(specs: &[String], defects: &[String]) -> Result<Vec<Target>, Vec<String>> {
    let specs: Vec<String> = if specs.is_empty() {
        builtin_profiles()
            .iter()
            .map(|p| format!("emulated:{}", p.name))
            .collect()
    } else {
        specs.to_vec()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for spec in &specs {
        let target = if let Some(profile) = spec.strip_prefix("emulated:") {
            let Some(p) = builtin_profiles().into_iter().find(|p| p.name == profile) else {
                let known: Vec<String> =
                    builtin_profiles().iter().map(|p| p.name.clone()).collect();
                errors.push(format!(
                    "--target {spec}: unknown profile `{profile}` (known: {})",
                    known.join(", ")
                ));
                continue;
            };
            match emulated::start(p, defects, None).await {
                Ok(t) => t,
                Err(e) => {
                    errors.push(format!("--target {spec}: {e}"));
                    continue;
                }
            }
        } else {
            if !defects.is_empty() {
                errors.push(format!(
                    "--defect applies to emulated: targets only, not to {spec}"
                ));
                continue;
            }
            match load_file_target(spec).await {
                Ok(t) => t,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            }
        };
        if !names.insert(target.name.clone()) {
            errors.push(format!(
                "--target {spec}: a second target named `{}` (trial names must be unique)",
                target.name
            ));
        }
        out.push(target);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

async fn load_file_target(spec: &str) -> Result<Target, Vec<String>> {
    use refresh_conformance::target::{discovery, http, load};
    let mut t = load::load_target(std::path::Path::new(spec))?;
    if t.endpoints.issuer.is_some() || t.endpoints.token.is_empty() {
        let client = http::http_client(&t.http, t.live)
            .map_err(|e| vec![format!("--target {spec}: {e}")])?;
        let notes = discovery::discover(&mut t, &client)
            .await
            .map_err(|e| vec![format!("--target {spec}: {e}")])?;
        for n in notes {
            eprintln!("note: --target {spec}: {n}");
        }
    }
    Ok(t)
}
