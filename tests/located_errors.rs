//! Every kind of file a user writes — scenario, target, profile, baseline —
//! reports a wrong type, an unknown key (with a "did you mean" hint) and a
//! wrong value at its exact `path:line:column`, with the key named.

use refresh_conformance::behaviour::Profile;
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::target::baseline::parse_baseline;
use refresh_conformance::target::load::parse_target;
use std::path::Path;

fn scenario(text: &str) -> Vec<String> {
    load_text("s.toml", text, false, false).expect_err("refused")
}

fn target(text: &str) -> Vec<String> {
    parse_target(Path::new("t.toml"), text).expect_err("refused")
}

fn profile(text: &str) -> Vec<String> {
    vec![Profile::parse("p.toml", text).expect_err("refused")]
}

fn baseline(text: &str) -> Vec<String> {
    parse_baseline(Path::new("b.toml"), text).expect_err("refused")
}

const SCENARIO: &str = r#"id = "user/check"
title = "A check"
refs = ["rfc6749#6"]
level = "must"

[[step]]
grant = {}

[[step]]
name = "again"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200 }
"#;

#[test]
fn scenario_files() {
    assert_eq!(
        scenario(&SCENARIO.replace("level = \"must\"", "level = 3")),
        ["s.toml:4:9: expected a string (one of the names this key takes)"]
    );
    assert_eq!(
        scenario(&SCENARIO.replace("title = ", "titel = ")),
        ["s.toml:2:1: unknown key `titel` (did you mean `title`?) (expected one of `id`, `title`, `description`, `refs`, `level`, `when`, `client`, `guarded_by`, `ignored`, `step`)"]
    );
    assert_eq!(
        scenario(&SCENARIO.replace("level = \"must\"", "level = \"shoud\"")),
        ["s.toml:4:9: unknown value `shoud` (did you mean `should`?) (expected one of `info`, `should`, `must`)"]
    );
    assert_eq!(
        scenario(&SCENARIO.replace("status = 200", "statsu = 200")),
        ["s.toml:12:12: unknown key `statsu` (did you mean `status`?) (expected one of `level`, `refs`, `setting`, `when`, `because`, `precondition`, `status`, `error`, `error_registered`, `present`, `absent`, `content_type`, `json`, `headers`, `scope`, `id_token`, `active`, `count`, `successors`)"]
    );
    // A client role outside the vocabulary: located, with a hint (it used to
    // pass `validate` and skip every trial).
    assert_eq!(
        scenario(&SCENARIO.replace("level = \"must\"", "level = \"must\"\nclient = \"mian\"")),
        ["s.toml:5:10: unknown client role `mian` (did you mean `main`?) (roles: main, other, public; user roles start with `x_`)"]
    );
    assert_eq!(
        scenario(&SCENARIO.replace("grant = {}", "grant = { client = \"publik\" }")),
        ["s.toml:7:20: step `grant`: unknown client role `publik` (did you mean `public`?) (roles: main, other, public; user roles start with `x_`)"]
    );
    // A value the types accept but the language does not, at the value.
    assert_eq!(
        scenario(&SCENARIO.replace("{{grant.refresh_token}}", "{{grnat.refresh_token}}")),
        ["s.toml:11:21: step `again`: `grnat.refresh_token`: no earlier step named `grnat` (nor scopes, behaviour, client, target)"]
    );
}

const TARGET: &str = r#"name = "acme"
profile = "okta"
token_endpoint = "https://idp.example/token"

[clients.main]
id = "app"
auth = "client_secret_basic"
secret = { env = "SECRET" }
"#;

#[test]
fn target_files() {
    assert_eq!(
        target(&TARGET.replace("id = \"app\"", "id = 7")),
        ["t.toml:6:6: `clients.main.id` must be a string, not an integer"]
    );
    assert_eq!(
        target(&TARGET.replace("token_endpoint", "token_endpiont")),
        [
            "t.toml:1:1: the target needs `issuer` (endpoints are discovered) or `token_endpoint` (and optionally revocation_endpoint, introspection_endpoint)",
            "t.toml:3:1: unknown key `token_endpiont` in the target file (did you mean `token_endpoint`?)"
        ]
    );
    assert_eq!(
        target(&TARGET.replace("client_secret_basic", "client_secret_basik")),
        ["t.toml:7:8: unknown auth method `client_secret_basik` (did you mean `client_secret_basic`?) (one of client_secret_basic | client_secret_post | private_key_jwt | none)"]
    );
}

const PROFILE: &str = r#"name = "vendor"
title = "Vendor"

[behaviour]
grace_period = { value = "30s", source = "seed:002" }

[scopes]
granted = "openid offline_access"
"#;

#[test]
fn profile_files() {
    assert_eq!(
        profile(&PROFILE.replace("title = \"Vendor\"", "title = 1")),
        ["p.toml:2:9: `title` must be a string, not an integer"]
    );
    assert_eq!(
        profile(&PROFILE.replace("[scopes]\ngranted", "[scopes]\ngrnted")),
        ["p.toml:8:1: unknown key `grnted` in [scopes] (did you mean `granted`?) (one of granted, narrower, extra)"]
    );
    let e = profile(&PROFILE.replace("grace_period =", "grace_perod ="));
    assert!(
        e[0].starts_with(
            "p.toml:5:1: unknown behaviour key `grace_perod` (did you mean `grace_period`?)"
        ),
        "{e:?}"
    );
    // A source is a link, a seed or a clause: a free-text label is refused at its value.
    let e = profile(&PROFILE.replace("\"seed:002\"", "\"vendor:okta refresh-tokens guide\""));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("p.toml:5:42: `grace_period`: source `vendor:okta refresh-tokens guide` does not start with a link"),
        "{e:?}"
    );
    let e = profile(&format!(
        "{PROFILE}\n[discovery]\nissuer_quirk = {{ value = \"https://global.example/\", source = \"the vendor says so\" }}\n"
    ));
    assert!(
        e[0].starts_with("p.toml:11:62: source `the vendor says so`"),
        "{e:?}"
    );
    let e = profile(&format!(
        "{PROFILE}\n[init]\nsource = \"seed:001\"\nisuer = \"https://x.example\"\n"
    ));
    assert!(
        e[0].starts_with("p.toml:10:1: [init]: unknown key `isuer`"),
        "{e:?}"
    );
}

const BASELINE: &str = r#"[expect."scope/omitted-returns-original"]
outcome = "fail"
reason = "vendor case 1234"
"#;

#[test]
fn baseline_files() {
    assert_eq!(
        baseline(&BASELINE.replace("reason = \"vendor case 1234\"", "reason = 1234")),
        ["b.toml:3:10: `scope/omitted-returns-original`: `reason` must be a string, not an integer"]
    );
    assert_eq!(
        baseline(&BASELINE.replace("reason =", "reasn =")),
        [
            "b.toml:1:9: `scope/omitted-returns-original`: `reason` is missing (say why this deviation is known)",
            "b.toml:3:1: unknown key `reasn` (did you mean `reason`?) (an entry has `outcome`, `reason` and optionally `intermittent`)"
        ]
    );
    assert_eq!(
        baseline(&format!("{BASELINE}intermittent = \"yes\"\n")),
        ["b.toml:4:16: `scope/omitted-returns-original`: `intermittent` must be true or false, not a string"]
    );
    assert_eq!(
        baseline(&BASELINE.replace("\"fail\"", "\"fial\"")),
        ["b.toml:2:11: `scope/omitted-returns-original`: unknown outcome `fial` (one of fail | warn | skip | error) (did you mean `fail`?)"]
    );
}

#[test]
fn json_files_are_located_the_same_way() {
    let v: toml::Value = toml::from_str(SCENARIO).unwrap();
    let json = serde_json::to_string_pretty(&v).unwrap();
    let e = load_text(
        "s.json",
        &json.replace("\"title\"", "\"titel\""),
        true,
        false,
    )
    .expect_err("refused");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("s.json:") && e[0].contains("unknown key `titel` (did you mean `title`?)"),
        "{e:?}"
    );
    let bad_ref = json.replace("{{grant.refresh_token}}", "{{grnat.refresh_token}}");
    let e = load_text("s.json", &bad_ref, true, false).expect_err("refused");
    let line = bad_ref.lines().position(|l| l.contains("grnat")).unwrap() + 1;
    assert!(
        e[0].starts_with(&format!("s.json:{line}:"))
            && e[0].contains("no earlier step named `grnat`"),
        "{e:?}"
    );
}

/// A `guarded_by` name that is no emulator defect is located, with a hint
/// (checked by the caller against the emulator's defects).
#[test]
fn unknown_defects_are_located_with_a_hint() {
    use refresh_conformance::scenario::load::unknown_defects;
    let s = load_text(
        "s.toml",
        &SCENARIO.replace(
            "level = \"must\"",
            "level = \"must\"\nguarded_by = [\"no-grase\"]",
        ),
        false,
        false,
    )
    .unwrap();
    assert_eq!(
        unknown_defects(&[s], &["no-grace", "no-pragma"]),
        ["s.toml:5:15: guarded_by: unknown defect `no-grase` (did you mean `no-grace`?) (see `refresh-conformance emulate --list-defects`)"]
    );
}
