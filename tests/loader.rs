//! Scenario loading and validation: good files load, bad ones are refused with
//! `path:line:column: message` that says what is wrong.

use refresh_conformance::scenario::load::{load_all, load_text};

const GOOD: &str = r#"
id = "user/rotation-check"
title = "A user scenario"
refs = ["rfc6749#6", "seed:002", "vendor:acme"]
level = "must"
when = ["new_refresh_token != never", "x_tenant_flag"]

[[step]]
grant = { scope = "{{scopes.granted | with:email}}" }
expect = { status = 200, present = ["refresh_token"] }

[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = [
  { status = 200, json = { "$.refresh_token" = { ne = "{{grant.refresh_token}}" } } },
  { level = "should", setting = "new_refresh_token", present = ["refresh_token"] },
]

[[step]]
wait = { duration = "{{behaviour.grace_period}}", skew = true }

[[step]]
name = "race"
concurrent = { count = 3, refresh = { token = "{{rotate.refresh_token}}" } }
expect = { count = [{ status = 200, eq = 1 }] }
"#;

fn errors(text: &str) -> Vec<String> {
    load_text("user/x.toml", text, false, false).expect_err("should be refused")
}

fn one_error(text: &str, want_pos: &str, want_msg: &str) {
    let e = errors(text);
    assert!(
        e.iter().any(|m| {
            let prefix = if want_pos.is_empty() {
                "user/x.toml:".to_string()
            } else {
                format!("user/x.toml:{want_pos}:")
            };
            m.starts_with(&prefix) && m.contains(want_msg)
        }),
        "wanted {want_pos} `{want_msg}`, got {e:#?}"
    );
}

#[test]
fn a_good_file_loads() {
    let s = load_text("user/x.toml", GOOD, false, false).unwrap();
    assert_eq!(s.id(), "user/rotation-check");
    assert_eq!(s.area(), "user");
    assert_eq!(s.file.steps.len(), 4);
    assert_eq!(s.conditions.len(), 2);
}

#[test]
fn json_with_the_same_structure_loads() {
    let v: toml::Value = toml::from_str(GOOD).unwrap();
    let json = serde_json::to_string_pretty(&v).unwrap();
    let s = load_text("user/x.json", &json, true, false).unwrap();
    assert_eq!(s.file.steps.len(), 4);
}

#[test]
fn broken_toml_is_located() {
    one_error("id = \"a/b\"\ntitle = \n", "2", "");
}

#[test]
fn broken_json_is_located() {
    let e = load_text(
        "user/x.json",
        "{\n  \"id\": \"a/b\",\n  \"title\": }",
        true,
        false,
    )
    .unwrap_err();
    assert!(e[0].starts_with("user/x.json:3:"), "{e:?}");
}

#[test]
fn unknown_keys_and_wrong_types_are_located() {
    one_error(
        &GOOD.replace("level = \"must\"", "level = \"must\"\ncolour = \"blue\""),
        "6",
        "unknown key `colour`",
    );
    one_error(&GOOD.replace("level = \"must\"", "level = 3"), "5", "");
    one_error(&GOOD.replace("count = 3", "count = \"three\""), "", "");
    one_error(
        &GOOD.replace("status = 200, present", "statsu = 200, present"),
        "10",
        "unknown key `statsu` (did you mean `status`?)",
    );
}

#[test]
fn undefined_and_later_captures_are_refused() {
    one_error(
        &GOOD.replace(
            "{{grant.refresh_token}}\" }\nexpect = [",
            "{{nosuch.refresh_token}}\" }\nexpect = [",
        ),
        "14",
        "no earlier step named `nosuch`",
    );
    one_error(
        &GOOD.replace(
            "token = \"{{grant.refresh_token}}\" }\nexpect = [",
            "token = \"{{race.refresh_token}}\" }\nexpect = [",
        ),
        "14",
        "runs after this one",
    );
    one_error(
        &GOOD.replace(
            "token = \"{{grant.refresh_token}}\" }\nexpect = [",
            "token = \"{{rotate.refresh_token}}\" }\nexpect = [",
        ),
        "14",
        "capture cycle",
    );
}

#[test]
fn bad_templates_behaviour_keys_and_refs_are_refused() {
    one_error(
        &GOOD.replace("{{behaviour.grace_period}}", "{{behaviour.grace}}"),
        "21",
        "unknown behaviour key `grace`",
    );
    one_error(
        &GOOD.replace("| with:email", "| upper:email"),
        "9",
        "unknown filter",
    );
    one_error(
        &GOOD.replace("\"seed:002\"", "\"rfc6749-6\""),
        "4",
        "malformed ref `rfc6749-6`",
    );
    one_error(
        &GOOD.replace("x_tenant_flag", "tenant_flag"),
        "6",
        "unknown behaviour key `tenant_flag`",
    );
    one_error(
        &GOOD.replace("setting = \"new_refresh_token\"", "setting = \"rotation\""),
        "17",
        "unknown behaviour key `rotation`",
    );
    one_error(
        &GOOD.replace(
            "{{grant.refresh_token}}\" } } }",
            "{{grant.refresh_token\" } } }",
        ),
        "16",
        "unclosed",
    );
}

#[test]
fn harmful_but_valid_files_are_bounded() {
    one_error(
        &GOOD.replace("count = 3", "count = 1000000"),
        "25",
        "outside 1..=1000",
    );
    let long_wait = GOOD.replace(
        "\"{{behaviour.grace_period}}\", skew = true",
        "\"3650days\"",
    );
    one_error(&long_wait, "21", "longer than");
}

#[test]
fn step_shape_is_checked() {
    one_error(
        &GOOD.replace("name = \"rotate\"\n", "name = \"rotate\"\ngrant = {}\n"),
        "13",
        "several actions",
    );
    one_error(
        &GOOD.replace("name = \"race\"", "name = \"rotate\""),
        "",
        "duplicate step name `rotate`",
    );
    one_error(
        &GOOD.replace("name = \"rotate\"", "name = \"scopes\""),
        "",
        "reserved",
    );
    one_error(
        &GOOD.replace(
            "[[step]]\nwait",
            "[[step]]\nexpect = { count = [{ eq = 1 }] }\nwait",
        ),
        "",
        "concurrent steps only",
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), GOOD).unwrap();
    std::fs::write(dir.path().join("b.toml"), GOOD).unwrap();
    let e = load_all(false, &[dir.path().to_path_buf()]).unwrap_err();
    assert!(
        e.iter().any(
            |m| m.contains("duplicate scenario id `user/rotation-check`")
                && m.contains("a.toml")
                && m.contains("b.toml")
        ),
        "{e:?}"
    );
}

#[test]
fn non_utf8_and_huge_files_are_refused_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), b"id = \"a/b\"\n\xff\xfe").unwrap();
    let e = load_all(false, &[dir.path().to_path_buf()]).unwrap_err();
    assert!(e[0].contains("bad.toml:2:1: not valid UTF-8"), "{e:?}");
    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    std::fs::write(big.join("huge.toml"), vec![b'#'; 2 << 20]).unwrap();
    let e = load_all(false, &[big]).unwrap_err();
    assert!(e[0].contains("capped"), "{e:?}");
}

#[test]
fn builtin_catalog_loads() {
    let all = refresh_conformance::scenario::load::builtin().expect("the shipped catalog is valid");
    for s in &all {
        assert_eq!(s.origin, format!("scenarios/{}.toml", s.id()));
    }
}

/// The suite never sends a real secret in a URL unless asked to: every
/// built-in scenario that puts client credentials in the query string is
/// `ignored` (opt-in with --ignored / --include-ignored) and says why.
#[test]
fn no_scenario_sends_a_secret_in_a_url_by_default() {
    use refresh_conformance::scenario::model::AuthMode;
    let all = refresh_conformance::scenario::load::builtin().unwrap();
    let in_url: Vec<_> = all
        .iter()
        .filter(|s| {
            s.file.steps.iter().any(|st| {
                let modes = [
                    st.refresh.as_ref().and_then(|a| a.auth),
                    st.revoke.as_ref().and_then(|a| a.auth),
                    st.introspect.as_ref().and_then(|a| a.auth),
                    st.client_credentials.as_ref().and_then(|a| a.auth),
                    st.request.as_ref().and_then(|a| a.auth),
                    st.concurrent.as_ref().and_then(|a| a.refresh.auth),
                ];
                modes.contains(&Some(AuthMode::Query))
            })
        })
        .collect();
    assert!(!in_url.is_empty(), "the check exists");
    for s in in_url {
        assert!(
            s.file.ignored,
            "{} sends a secret in a URL by default",
            s.id()
        );
        let d = s.file.description.as_deref().unwrap_or_default();
        assert!(
            d.contains("real secret in a URL"),
            "{}: say why it is opt-in",
            s.id()
        );
    }
}

/// A JSON scenario may write an optional key as `null`, as its types allow
/// (it loaded before errors were located through the file's structure).
#[test]
fn json_scenarios_may_write_optional_keys_as_null() {
    let v: toml::Value = toml::from_str(GOOD).unwrap();
    let mut json = serde_json::to_value(&v).unwrap();
    json["description"] = serde_json::Value::Null;
    json["client"] = serde_json::Value::Null;
    let text = serde_json::to_string_pretty(&json).unwrap();
    let s = load_text("user/x.json", &text, true, false).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.file.description, None);
}
