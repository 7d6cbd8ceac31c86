//! Issue 13's done-when, for every built-in profile: `refresh-conformance
//! emulate` serves the profile as a live target (no control endpoint: waits
//! really sleep), the profile's `init` template is filled in with the
//! emulator's URL, clients and secrets, `probe` finds the tenant's settings,
//! its block is pasted into the file, and the catalog then runs at least 90 %
//! of the scenarios that apply on `emulated:<profile>`, all passing.
//!
//! The emulator serves the profile with its lifetimes shortened (a profile
//! file, `emulate --profile FILE`) so the probe finds short lifetimes and the
//! run's real waits stay short; the target names the built-in profile, as a
//! user's would, so the probe's lines say where the tenant differs.

mod live_support;

use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Profiles probed and run at once: each mostly waits (its expiry
/// scenarios really sleep), so all of them fit side by side on two cores.
const PARALLEL: usize = 20;

const ENDPOINTS: &[(&str, &str)] = &[
    ("token_endpoint", "/oauth2/token"),
    ("revocation_endpoint", "/oauth2/revoke"),
    ("introspection_endpoint", "/oauth2/introspect"),
    ("authorization_endpoint", "/oauth2/authorize"),
    ("jwks_uri", "/oauth2/jwks"),
];

/// A lifetime shortened, keeping the order of lifetimes: 1 s plus its
/// binary logarithm in seconds (30 s → 6 s, 1 h → 13 s, 90 d → 24 s); 0 stays 0.
fn shorten(text: &str) -> String {
    let d = humantime::parse_duration(text).unwrap();
    if d.is_zero() {
        return "0s".into();
    }
    format!("{}s", 1 + (d.as_secs_f64() + 1.0).log2().round() as u64)
}

fn shorten_set(set: &mut toml::Table) {
    for (key, v) in set.iter_mut() {
        let is_duration = [
            "grace_period",
            "access_token_ttl",
            "refresh_token_absolute_ttl",
            "refresh_token_idle_ttl",
        ]
        .contains(&key.as_str());
        if let (true, Some(t)) = (is_duration, v.as_table_mut()) {
            let short = shorten(t["value"].as_str().unwrap());
            t.insert("value".into(), toml::Value::String(short));
        }
    }
}

/// The built-in profile's file with shorter lifetimes, for `emulate --profile FILE`.
fn short_profile(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(repo(&format!("profiles/{name}.toml"))).unwrap();
    let mut t: toml::Table = toml::from_str(&text).unwrap();
    shorten_set(t.get_mut("behaviour").unwrap().as_table_mut().unwrap());
    if let Some(clients) = t.get_mut("clients").and_then(|c| c.as_table_mut()) {
        for (_, c) in clients.iter_mut() {
            if let Some(b) = c.get_mut("behaviour").and_then(|b| b.as_table_mut()) {
                shorten_set(b);
            }
        }
    }
    write_file(
        dir,
        &format!("{name}-short.toml"),
        &toml::to_string(&t).unwrap(),
    )
}

/// `init --profile NAME` as printed, its optional clients uncommented.
fn template(name: &str) -> String {
    let out = cli(&["init", "--profile", name], &BTreeMap::new());
    assert_eq!(out.code, 0, "{}", out.both());
    refresh_conformance::target::init::uncomment_optional(&out.stdout)
}

/// Every `[clients.ROLE]` of a template with the `auth` it shows.
fn roles(template: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut role = None;
    for line in template.lines() {
        if let Some(r) = line
            .strip_prefix("[clients.")
            .and_then(|r| r.strip_suffix(']'))
            .filter(|r| !r.contains('.'))
        {
            role = Some(r.to_string());
        } else if line.starts_with("auth = ") {
            let auth = line.split('"').nth(1).unwrap().to_string();
            out.push((role.take().unwrap(), auth));
        }
    }
    out
}

/// The emulator's `--config`: one client per role, registered for the
/// authentication the template shows, and the test user.
fn emulator_config(dir: &Path, roles: &[(String, String)]) -> String {
    let key = repo("keys/jwt-client.test-only.pub.pem");
    let mut text = String::new();
    for (role, auth) in roles {
        text.push_str(&format!(
            "[[clients]]\nrole = \"{role}\"\nid = \"{role}\"\nauth = \"{auth}\"\nredirect_uris = [\"http://127.0.0.1/callback\"]\n"
        ));
        match auth.as_str() {
            "none" => {}
            "private_key_jwt" => {
                text.push_str(&format!("public_key_file = \"{}\"\n", key.display()))
            }
            _ => text.push_str(&format!("secret = \"{role}-secret\"\n")),
        }
    }
    text.push_str("[[users]]\nusername = \"alice\"\npassword = \"alice-password\"\n");
    write_file(dir, "emulator.toml", &text)
}

/// The template filled in: the emulator's URL for the issuer and every
/// endpoint (and assertion audiences), each role's client id, the password
/// grant, secrets from the environment. Returns the text and its variables.
fn filled(template: &str, base: &str) -> (String, BTreeMap<String, String>) {
    let mut env = BTreeMap::from([
        ("PROBE_PASSWORD".to_string(), "alice-password".to_string()),
        ("NO_PROXY".to_string(), "127.0.0.1,localhost".to_string()),
    ]);
    let key = repo("keys/jwt-client.test-only.pem").display().to_string();
    let mut text = String::new();
    let mut role = String::new();
    for line in template.lines() {
        let key_of = line.split('=').next().unwrap_or("").trim();
        let quoted = |v: &str| format!("{key_of} = \"{v}\"");
        let out = if let Some(r) = line
            .strip_prefix("[clients.")
            .and_then(|r| r.strip_suffix(']'))
        {
            role = r.split('.').next().unwrap().to_string();
            line.to_string()
        } else if key_of == "issuer" {
            quoted(base)
        } else if let Some((_, path)) = ENDPOINTS.iter().find(|(k, _)| *k == key_of) {
            quoted(&format!("{base}{path}"))
        } else if key_of == "audience" {
            quoted(&format!("{base}/oauth2/token"))
        } else if key_of == "id" && line.contains("REPLACE-") {
            quoted(&role)
        } else if key_of == "secret" && line.contains("env = ") {
            let var = line.split('"').nth(1).unwrap().to_string();
            env.insert(var, format!("{role}-secret"));
            line.to_string()
        } else if key_of == "key" {
            format!("key = {{ file = \"{key}\" }}")
        } else if key_of == "kind" && line.contains("\"command\"") {
            "kind = \"password\"\nusername = \"alice\"\npassword = { env = \"PROBE_PASSWORD\" }"
                .into()
        } else if key_of == "alg" {
            // The test key is ES256: the algorithm is read off it.
            continue;
        } else if key_of == "command" && line.contains("login.sh") {
            continue;
        } else {
            line.to_string()
        };
        text.push_str(&out);
        text.push('\n');
    }
    (text, env)
}

/// The template with the probe's block in place of its `[behaviour]` header.
fn pasted(template: &str, block: &str) -> String {
    let mut out = String::new();
    for line in template.lines() {
        if line.trim() != "[behaviour]" {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(block);
    out
}

struct Figures {
    profile: String,
    applies: usize,
    ran: usize,
    bad: Vec<String>,
    skipped: Vec<String>,
    secs: f64,
}

fn one_profile(name: &str, reference: &BTreeMap<String, (Verdict, String)>) -> Figures {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let printed = template(name);
    let config = emulator_config(d, &roles(&printed));
    let emu = Emulator::start(&short_profile(d, name), &["--config", &config]);
    let (template, env) = filled(&printed, &emu.base_url);
    let path = d.join(format!("{name}.toml"));
    std::fs::write(&path, &template).unwrap();
    let path = path.display().to_string();
    let probed = cli(&["probe", "--target", &path, "--max-wait", "15s"], &env);
    assert_eq!(probed.code, 0, "{name}: probe: {}", probed.both());
    for secret in [
        "main-secret",
        "post-secret",
        "other-secret",
        "alice-password",
    ] {
        assert!(
            !probed.both().contains(secret),
            "{name}: probe printed a secret"
        );
    }
    std::fs::write(&path, pasted(&template, &probed.stdout)).unwrap();
    let junit = d.join("junit.xml");
    let out = cli(
        &[
            "run",
            "-q",
            "--target",
            &path,
            "--junit",
            junit.to_str().unwrap(),
        ],
        &env,
    );
    let xml = std::fs::read_to_string(&junit)
        .unwrap_or_else(|_| panic!("{name}: no JUnit: {}\n{}", out.both(), probed.stdout));
    let live = junit_verdicts(&xml);
    let mut f = Figures {
        profile: name.into(),
        applies: 0,
        ran: 0,
        bad: vec![],
        skipped: vec![],
        secs: 0.0,
    };
    let prefix = format!("emulated-{name}/");
    for (trial, (verdict, _)) in reference {
        let Some(id) = trial.strip_prefix(&prefix) else {
            continue;
        };
        if *verdict == Verdict::Skip {
            continue;
        }
        f.applies += 1;
        let Some((v, why)) = live
            .iter()
            .find_map(|(k, v)| k.ends_with(&format!("/{id}")).then_some(v))
        else {
            f.bad.push(format!("{id}: not in the live run"));
            continue;
        };
        match v {
            Verdict::Skip => f.skipped.push(format!("{id}: {why}")),
            Verdict::Pass | Verdict::Warn if v == verdict || *v == Verdict::Pass => f.ran += 1,
            other => f.bad.push(format!("{id}: {other:?} {why}")),
        }
    }
    emu.stop();
    f.secs = started.elapsed().as_secs_f64();
    if !f.bad.is_empty() || f.ran * 10 < f.applies * 9 {
        eprintln!("{name}: probe block:\n{}", probed.stdout);
    }
    f
}

#[test]
fn probing_every_profile_served_live_runs_nine_tenths_of_its_scenarios_all_passing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("reference.xml");
    let out = cli(
        &["run", "-q", "--junit", junit.to_str().unwrap()],
        &BTreeMap::new(),
    );
    assert_eq!(out.code, 0, "{}", out.both());
    let reference = junit_verdicts(&std::fs::read_to_string(&junit).unwrap());
    let profiles: Vec<String> = refresh_conformance::behaviour::builtin_profiles()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(profiles.len() >= 16);
    let figures: Vec<Figures> = std::thread::scope(|s| {
        let mut out = vec![];
        for chunk in profiles.chunks(PARALLEL) {
            let handles: Vec<_> = chunk
                .iter()
                .map(|p| (p, s.spawn(|| one_profile(p, &reference))))
                .collect();
            for (p, h) in handles {
                // A profile whose probe or run broke is reported with the others.
                out.push(h.join().unwrap_or_else(|_| Figures {
                    profile: p.clone(),
                    applies: 1,
                    ran: 0,
                    bad: vec!["panicked (above)".into()],
                    skipped: vec![],
                    secs: 0.0,
                }));
            }
        }
        out
    });
    let mut problems = vec![];
    for f in &figures {
        eprintln!(
            "{:<22} {:>2}/{:<2} ran ({:.0} %), {:>4.0} s; skipped: {:?}",
            f.profile,
            f.ran,
            f.applies,
            100.0 * f.ran as f64 / f.applies.max(1) as f64,
            f.secs,
            f.skipped
        );
        if !f.bad.is_empty() {
            problems.push(format!("{}: {:#?}", f.profile, f.bad));
        }
        if f.ran * 10 < f.applies * 9 {
            problems.push(format!(
                "{}: {} of {} ran; skipped {:#?}",
                f.profile, f.ran, f.applies, f.skipped
            ));
        }
    }
    eprintln!("wall time {:.0} s", started.elapsed().as_secs_f64());
    assert!(problems.is_empty(), "{problems:#?}");
}
