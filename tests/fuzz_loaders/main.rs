//! Hostile files (issue 9): property tests over everything that reads user
//! text — the scenario loader (TOML and JSON, arbitrary and mutated copies of
//! the real catalog), the target-file model and loader, and the template
//! engine. No input panics, and every rejection is `path:line:column: message`.
//!
//! 256 cases per property by default (set `PROPTEST_CASES` to change it).
//! The deeper run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --test fuzz_loaders
//! ```

mod tokens;
use proptest::prelude::*;
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::scenario::template::{self, Unresolved, MAX_RENDERED};
use refresh_conformance::target::load::parse_target;
use refresh_conformance::target::model::TargetFile;
use std::path::Path;
use std::sync::LazyLock;
use tokens::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// `origin:line:column: message` with line and column ≥ 1 and a message.
fn located(origin: &str, e: &str) -> Result<(), TestCaseError> {
    static RE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?s)^:([1-9][0-9]*):([1-9][0-9]*): \S").unwrap());
    let rest = e
        .strip_prefix(origin)
        .ok_or_else(|| TestCaseError::fail(format!("not prefixed by {origin}: {e:?}")))?;
    prop_assert!(RE.is_match(rest), "not `path:line:column: message`: {e:?}");
    Ok(())
}

fn check_scenario(origin: &str, text: &str, json: bool) -> Result<(), TestCaseError> {
    if let Err(errors) = load_text(origin, text, json, false) {
        prop_assert!(!errors.is_empty());
        for e in &errors {
            located(origin, e)?;
        }
    }
    Ok(())
}

/// The catalog as shipped: (path, TOML text).
static CATALOG: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out = Vec::new();
    for f in refresh_conformance::scenario::load::files_under(&root).unwrap() {
        let text = std::fs::read_to_string(&f).unwrap();
        out.push((
            f.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .display()
                .to_string(),
            text,
        ));
    }
    assert!(out.len() > 10);
    out
});

/// The catalog converted to JSON (the loader accepts both).
static CATALOG_JSON: LazyLock<Vec<String>> = LazyLock::new(|| {
    CATALOG
        .iter()
        .map(|(_, t)| {
            serde_json::to_string_pretty(&toml::from_str::<toml::Value>(t).unwrap()).unwrap()
        })
        .collect()
});

fn tokens(set: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![4 => proptest::sample::select(set).prop_map(str::to_string), 1 => "[ -~]{0,6}"],
        0..max,
    )
    .prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(u16, u8),
    Insert(u16, &'static str),
    Truncate(u16),
    DuplicateLine(u16),
    SwapLines(u16, u16),
    ReplaceChar(u16, char),
}

fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u16>(), any::<u8>()).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<u16>(), proptest::sample::select(tokens)).prop_map(|(a, t)| Mutation::Insert(a, t)),
        any::<u16>().prop_map(Mutation::Truncate),
        any::<u16>().prop_map(Mutation::DuplicateLine),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<u16>(), any::<char>()).prop_map(|(a, c)| Mutation::ReplaceChar(a, c)),
    ]
}

/// A char boundary at fraction `f` of `s`.
fn at(s: &str, f: u16) -> usize {
    let mut i = (s.len() * f as usize) / (u16::MAX as usize + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, muts: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in muts {
        match m {
            Mutation::Delete(a, n) => {
                let i = at(&s, *a);
                let mut j = (i + *n as usize).min(s.len());
                while !s.is_char_boundary(j) {
                    j += 1;
                }
                s.replace_range(i..j, "");
            }
            Mutation::Insert(a, t) => {
                let i = at(&s, *a);
                s.insert_str(i, t);
            }
            Mutation::Truncate(a) => {
                let i = at(&s, *a);
                s.truncate(i);
            }
            Mutation::DuplicateLine(a) | Mutation::SwapLines(a, _) if s.lines().count() == 0 => {
                let _ = a;
            }
            Mutation::DuplicateLine(a) => {
                let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                let i = *a as usize % lines.len();
                lines.insert(i, lines[i].clone());
                s = lines.join("\n");
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                let n = lines.len();
                lines.swap(*a as usize % n, *b as usize % n);
                s = lines.join("\n");
            }
            Mutation::ReplaceChar(a, c) => {
                let i = at(&s, *a);
                if let Some(old) = s[i..].chars().next() {
                    s.replace_range(i..i + old.len_utf8(), &c.to_string());
                }
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scenario_loader_any_text(text in any::<String>()) {
        check_scenario("fuzz.toml", &text, false)?;
        check_scenario("fuzz.json", &text, true)?;
    }

    #[test]
    fn scenario_loader_toml_ish(text in tokens(TOML_TOKENS, 80)) {
        check_scenario("fuzz.toml", &text, false)?;
    }

    #[test]
    fn scenario_loader_json_ish(text in tokens(JSON_TOKENS, 80)) {
        check_scenario("fuzz.json", &text, true)?;
    }

    #[test]
    fn scenario_loader_mutated_catalog_files(i in any::<proptest::sample::Index>(), muts in proptest::collection::vec(mutation(TOML_TOKENS), 1..6)) {
        let (path, text) = &CATALOG[i.index(CATALOG.len())];
        let mutated = mutate(text, &muts);
        check_scenario(path, &mutated, false)?;
        // As a built-in: the id must also match the path, still located.
        if let Err(errors) = load_text(path, &mutated, false, true) {
            for e in &errors {
                located(path, e)?;
            }
        }
    }

    #[test]
    fn scenario_loader_mutated_catalog_json(i in any::<proptest::sample::Index>(), muts in proptest::collection::vec(mutation(JSON_TOKENS), 1..6)) {
        let text = &CATALOG_JSON[i.index(CATALOG_JSON.len())];
        check_scenario("mutated.json", &mutate(text, &muts), true)?;
    }

    #[test]
    fn target_model_any_text(text in prop_oneof![any::<String>(), tokens(TARGET_TOKENS, 60)]) {
        // The serde model alone: never panics.
        let _ = toml::from_str::<TargetFile>(&text);
        // The loader's parse: every problem located.
        let path = WORKDIR.join("fuzz-target.toml");
        if let Err(errors) = parse_target(&path, &text) {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                located(&path.display().to_string(), e)?;
            }
        }
    }

    #[test]
    fn target_loader_mutated_template(muts in proptest::collection::vec(mutation(TARGET_TOKENS), 1..6)) {
        let text = mutate(TARGET_TEMPLATE, &muts);
        let _ = toml::from_str::<TargetFile>(&text);
        let path = WORKDIR.join("mutated-target.toml");
        if let Err(errors) = parse_target(&path, &text) {
            for e in &errors {
                located(&path.display().to_string(), e)?;
            }
        }
    }

    #[test]
    fn templates_parse_and_render_without_panics(text in prop_oneof![tokens(TEMPLATE_TOKENS, 40), any::<String>()], value in prop_oneof![".{0,20}", (0usize..(MAX_RENDERED / 2 + 10)).prop_map(|n| "x".repeat(n))]) {
        let parsed = template::parse(&text);
        let mut lookup = |path: &[String]| -> Result<String, Unresolved> {
            match path.first().map(String::as_str) {
                Some("skip") => Err(Unresolved::Skip("unknown".into())),
                Some("err") => Err(Unresolved::Error("missing".into())),
                _ => Ok(value.clone()),
            }
        };
        match template::render(&text, &mut lookup) {
            Ok(out) => prop_assert!(out.len() <= MAX_RENDERED, "rendered {} bytes", out.len()),
            Err(Unresolved::Error(m)) | Err(Unresolved::Skip(m)) => prop_assert!(!m.is_empty()),
        }
        if text.contains("{{") && parsed.is_err() {
            prop_assert!(matches!(template::render(&text, &mut lookup), Err(Unresolved::Error(_))));
        }
        // Inside a scenario, a template problem is a located rejection.
        let toml_string = toml::Value::String(text.clone()).to_string();
        let scenario = format!("id = \"t/x\"\ntitle = \"t\"\nrefs = [\"rfc6749#6\"]\nlevel = \"must\"\n[[step]]\ngrant = {{}}\n[[step]]\nrefresh = {{ token = {toml_string} }}\n");
        check_scenario("template.toml", &scenario, false)?;
    }
}

/// A folder with the profile the target files name (parse_target reads it).
static WORKDIR: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz_loaders");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("profile.toml"),
        "name = \"fuzz\"\n[behaviour]\nnew_refresh_token = \"always\"\n",
    )
    .unwrap();
    d
});

const TARGET_TEMPLATE: &str = r#"name = "acme"
profile = "profile.toml"
token_endpoint = "http://127.0.0.1:1/oauth2/token"
revocation_endpoint = "http://127.0.0.1:1/oauth2/revoke"
timeout = "5s"
rate = 10.0

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { env = "RC_FUZZ_SECRET" }

[clients.main.grant]
kind = "password"
username = "alice"
password = { env = "RC_FUZZ_PASSWORD" }

[scopes]
granted = "openid offline_access"

[behaviour]
new_refresh_token = "always"
grace_period = "30s"
"#;

#[test]
fn the_unmutated_inputs_are_good() {
    for (path, text) in CATALOG.iter() {
        load_text(path, text, false, true).unwrap_or_else(|e| panic!("{e:?}"));
    }
    for text in CATALOG_JSON.iter() {
        load_text("c.json", text, true, false).unwrap_or_else(|e| panic!("{e:?}"));
    }
    parse_target(&WORKDIR.join("t.toml"), TARGET_TEMPLATE).unwrap_or_else(|e| panic!("{e:?}"));
}

#[test]
fn the_location_check_can_fail() {
    assert!(located("a.toml", "a.toml:3:7: unknown field").is_ok());
    for bad in [
        "a.toml: no position",
        "a.toml:0:1: zero line",
        "a.toml:3: no column",
        "b.toml:1:1: other file",
        "a.toml:1:1: ",
    ] {
        assert!(located("a.toml", bad).is_err(), "{bad}");
    }
}
