//! `refresh-conformance profiles`: built-in profiles, values and sources.

use clap::Args;
use refresh_conformance::behaviour::builtin_profiles;

#[derive(Args, Debug)]
pub struct ProfilesArgs {
    /// Show only this profile.
    pub name: Option<String>,
    /// text, json, or markdown (the vendor comparison table of the README).
    #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown"])]
    pub format: String,
}

pub fn profiles(a: ProfilesArgs) -> i32 {
    let profiles: Vec<_> = builtin_profiles()
        .into_iter()
        .filter(|p| a.name.as_ref().is_none_or(|n| &p.name == n))
        .collect();
    if profiles.is_empty() {
        eprintln!("error: no profile named {:?}", a.name.unwrap_or_default());
        return super::EXIT_INPUT;
    }
    let set_json = |set: &refresh_conformance::behaviour::BehaviourSet| -> serde_json::Value {
        set.values
            .iter()
            .map(|(k, s)| {
                (k.clone(), serde_json::json!({ "value": s.value.render(), "source": s.source, "unverified": s.unverified }))
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    if a.format == "markdown" {
        print!(
            "{}",
            refresh_conformance::behaviour::comparison::markdown(&profiles)
        );
        return 0;
    }
    if a.format == "json" {
        let v: Vec<serde_json::Value> = profiles
            .iter()
            .map(|p| {
                let clients: serde_json::Map<String, serde_json::Value> = p
                    .clients
                    .iter()
                    .map(|(r, s)| (r.clone(), set_json(s)))
                    .collect();
                let quirk = p
                    .discovery
                    .issuer_quirk
                    .as_ref()
                    .map(|q| serde_json::json!({ "issuer": q.issuer, "source": q.source }));
                serde_json::json!({ "name": p.name, "title": p.title, "description": p.description,
                    "behaviour": set_json(&p.behaviour), "clients": clients, "scopes": p.scopes,
                    "issuer_quirk": quirk })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return 0;
    }
    for p in &profiles {
        println!("{} — {}", p.name, p.title);
        if !p.description.is_empty() {
            println!("  {}", p.description);
        }
        let show = |indent: &str, set: &refresh_conformance::behaviour::BehaviourSet| {
            for (k, s) in &set.values {
                let src = s.source.as_deref().unwrap_or("no source");
                let unv = if s.unverified { " [unverified]" } else { "" };
                println!("{indent}{k:<38} {:<16} {src}{unv}", s.value.render());
            }
        };
        show("  ", &p.behaviour);
        for (role, set) in &p.clients {
            println!("  client `{role}`:");
            show("    ", set);
        }
        println!();
    }
    0
}
