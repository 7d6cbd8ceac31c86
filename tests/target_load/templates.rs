//! `init` templates validate as printed and show every key; baseline files
//! parse and their errors are located.

use super::*;

fn test_profile_file(dir: &Path) -> Profile {
    let origin = dir.join("vendor.toml").display().to_string();
    Profile::parse(&origin, PROFILE).unwrap()
}

#[test]
fn init_template_validates_as_printed() {
    let dir = workdir();
    let mut profiles = builtin_profiles();
    profiles.push(test_profile_file(dir.path()));
    for profile in &profiles {
        let text = template(profile);
        let path = dir
            .path()
            .join(format!("{}.toml", profile.name.replace(['/', ':'], "_")));
        std::fs::write(&path, &text).unwrap();
        assert_eq!(
            validate_target(&path),
            Vec::<String>::new(),
            "profile {}:\n{text}",
            profile.name
        );
        let full = uncomment_optional(&text);
        std::fs::write(&path, &full).unwrap();
        assert_eq!(
            validate_target(&path),
            Vec::<String>::new(),
            "profile {} uncommented:\n{full}",
            profile.name
        );
        let file = parse_target(&path, &full).unwrap();
        assert!(file.clients.contains_key("other") && file.clients.contains_key("public"));
    }
}

#[test]
fn init_template_shows_every_key() {
    let dir = workdir();
    let text = template(&test_profile_file(dir.path()));
    for key in [
        "name =",
        "profile =",
        "issuer =",
        "# token_endpoint",
        "# revocation_endpoint",
        "# introspection_endpoint",
        "timeout =",
        "# ca_bundle",
        "# rate",
        "[headers]",
        "# baseline",
        "[clients.main]",
        "client_secret_post",
        "private_key_jwt",
        "auth = \"none\"",
        "{ env = ",
        "{ file = ",
        "kind = \"command\"",
        "# kind = \"password\"",
        "# kind = \"refresh_token_env\"",
        "refresh_params",
        "[scopes]",
        "[behaviour]",
        "[clients.main.behaviour]",
        "# kid =",
        "# alg =",
        "# audience =",
    ] {
        assert!(text.contains(key), "missing {key:?} in:\n{text}");
    }
    for def in refresh_conformance::behaviour::vocab::VOCABULARY {
        assert!(
            text.contains(&format!("# {} = ", def.key)),
            "missing behaviour {}",
            def.key
        );
    }
    assert!(
        text.contains("# new_refresh_token = \"always\"   # profile testvendor, source: seed:002"),
        "{text}"
    );
    assert!(
        text.contains("# grace_period = \"30s\"   # profile testvendor; unverified"),
        "{text}"
    );
    assert!(
        text.contains("# reuse_detection = true   # not stated by profile testvendor"),
        "{text}"
    );
}

#[test]
fn baseline_parses_and_errors_are_located() {
    let path = Path::new("b.toml");
    let good = "[expect.\"rotation/previous-token-refused\"]\noutcome = \"fail\"\nreason = \"vendor case 1\"\n\n[expect.\"scope/x\"]\noutcome = \"warn\"\nreason = \"  known  \"\n";
    let b = parse_baseline(path, good).unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(
        (
            b["rotation/previous-token-refused"].outcome.as_str(),
            b["rotation/previous-token-refused"].reason.as_str()
        ),
        ("fail", "vendor case 1")
    );
    assert_eq!(b["scope/x"].reason, "known");

    let bad = "[expect.\"a/b\"]\noutcome = \"pass\"\nreason = \"x\"\n[expect.\"c/d\"]\noutcome = \"skip\"\nreason = \"\"\n[expect.\"e/f\"]\noutcome = \"error\"\n[expect.\"g/h\"]\noutcom = \"fail\"\nreason = \"r\"\n[other]\n";
    let errors = parse_baseline(path, bad).unwrap_err();
    has(&errors, path, 2, "unknown outcome `pass`");
    has(&errors, path, 6, "`reason` is empty");
    has(&errors, path, 7, "`reason` is missing");
    has(&errors, path, 10, "unknown key `outcom`");
    has(&errors, path, 10, "did you mean `outcome`?");
    has(&errors, path, 9, "`outcome` is missing");
    has(&errors, path, 12, "unknown key `other`");

    let json = "{\"expect\": {\"a/b\": {\"outcome\": \"fail\", \"reason\": \"r\"},\n \"c/d\": {\"outcome\": 3, \"reason\": \"r\"}}}";
    let errors = parse_baseline(Path::new("b.json"), json).unwrap_err();
    has(
        &errors,
        Path::new("b.json"),
        2,
        "`outcome` must be a string",
    );
}

#[test]
fn target_with_broken_baseline_fails_validation() {
    let dir = workdir();
    std::fs::write(
        dir.path().join("acme.baseline.toml"),
        "[expect.\"x/y\"]\noutcome = \"nope\"\nreason = \"r\"\n",
    )
    .unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "name = \"b\"\nprofile = \"vendor.toml\"\nissuer = \"https://idp.example\"\nbaseline = \"acme.baseline.toml\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n",
    )
    .unwrap();
    let errors = validate_target(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("acme.baseline.toml:2:"), "{errors:?}");
    assert!(errors[0].contains("unknown outcome `nope`"));
}

#[test]
fn command_placeholders_and_role_names_are_checked() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    let text = r#"name = "c"
profile = "vendor.toml"
issuer = "https://idp.example"
[clients.main]
id = "m"
auth = "none"
[clients.main.grant]
kind = "command"
command = ["./login.sh", "{{client.id}}", "--scope={{scopes}}", "{{ issuer }}"]
[clients."my client"]
id = "x"
auth = "none"
"#;
    let errors = parse_target(&path, text).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    has(
        &errors,
        &path,
        9,
        "unknown placeholder `{{scopes}}` (did you mean `scope`?)",
    );
    has(
        &errors,
        &path,
        10,
        "client role `my client` may contain only",
    );
}

#[test]
fn validation_reports_a_missing_baseline_file() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "name = \"b\"\nprofile = \"vendor.toml\"\nissuer = \"https://idp.example\"\nbaseline = \"nope.toml\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n",
    )
    .unwrap();
    let errors = validate_target(&path);
    assert_eq!(errors.len(), 1, "{errors:?}");
    has(&errors, &path, 4, "cannot read the baseline file");
    assert_eq!(load_target(&path).unwrap_err().len(), 1);
}

#[test]
fn odd_shapes_are_located_not_panics() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    for (text, line, fragment) in [
        ("", 1, "needs `name`"),
        ("# only a comment\n", 1, "needs `profile`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nclients = 3\n", 4, "`clients` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nbehaviour = \"x\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "`behaviour` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[[clients]]\nid = \"m\"\n", 4, "must be a table, not an array"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\ngrant = \"password\"\n", 7, "`clients.main.grant` must be a table"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example?x=1\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 3, "must not have a query"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"not a url\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 3, "is not a URL"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\ntimeout = \"0s\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "longer than zero"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\nrate = 0\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 4, "greater than zero"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[headers]\n\"Bad Header\" = \"v\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 5, "not a valid HTTP header name"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[scopes]\ngranted = \"a\"\nwider = \"b\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n", 6, "unknown key `scopes.wider`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"authorization_code\"\nusername = \"u\"\npassword = { env = \"P\" }\n", 8, "emulator_control = true"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"password\"\ncommand = [\"x\"]\n", 7, "needs `username`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"none\"\n[clients.main.grant]\nkind = \"password\"\ncommand = [\"x\"]\n", 9, "`command` is not used by grant kind `password`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"client_secret_basic\"\nsecret = { vault = \"kv/x\" }\n", 7, "unknown key `vault`"),
        ("name = \"x\"\nprofile = \"vendor.toml\"\nissuer = \"https://i.example\"\n[clients.main]\nid = \"m\"\nauth = \"client_secret_basic\"\nsecret = 12345\n", 7, "must be `secret = { env"),
    ] {
        let errors = parse_target(&path, text).unwrap_err();
        has(&errors, &path, line, fragment);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Dropping any lines of a good file never panics, and every problem is located.
    #[test]
    fn damaged_files_give_located_errors(drop in proptest::collection::vec(proptest::bool::weighted(0.2), 80)) {
        let dir = workdir();
        let path = dir.path().join("t.toml");
        let text: String = good_toml("RCT_PROP")
            .lines()
            .zip(drop.iter().chain(std::iter::repeat(&false)))
            .filter(|(_, d)| !**d)
            .map(|(l, _)| format!("{l}\n"))
            .collect();
        if let Err(errors) = parse_target(&path, &text) {
            let prefix = format!("{}:", path.display());
            for e in errors {
                let rest = e.strip_prefix(&prefix).unwrap_or_else(|| panic!("unlocated: {e}"));
                let mut it = rest.splitn(3, ':');
                let line: usize = it.next().unwrap().parse().unwrap_or_else(|_| panic!("no line: {e}"));
                let col: usize = it.next().unwrap().parse().unwrap_or_else(|_| panic!("no column: {e}"));
                proptest::prop_assert!(line >= 1 && col >= 1);
            }
        }
    }
}

/// `init --profile NAME` lays the file out the way the vendor documents it:
/// its endpoints, scopes and client authentication, each with the page it
/// comes from; nobody else's paths; no secret written out.
#[test]
fn vendor_templates_have_the_vendors_shape() {
    let all = builtin_profiles();
    let get = |n: &str| {
        let p = all.iter().find(|p| p.name == n).unwrap();
        (p, template(p))
    };
    let (_, idcs) = get("idcs");
    for line in [
        "issuer = \"https://idcs-REPLACE.identity.oraclecloud.com\"",
        "token_endpoint = \"https://idcs-REPLACE.identity.oraclecloud.com/oauth2/v1/token\"",
        "revocation_endpoint = \"https://idcs-REPLACE.identity.oraclecloud.com/oauth2/v1/revoke\"",
        "introspection_endpoint = \"https://idcs-REPLACE.identity.oraclecloud.com/oauth2/v1/introspect\"",
        "accept_issuer_quirk = true",
        "granted = \"openid offline_access urn:opc:idm:__myscopes__\"",
        "auth = \"client_secret_basic\"   # seed:000",
        "# auth = \"client_secret_post\"",
        "# auth = \"private_key_jwt\"",
    ] {
        assert!(idcs.contains(line), "idcs template lacks {line:?}:\n{idcs}");
    }
    let (_, ping) = get("pingfederate");
    for path in [
        "/as/token.oauth2\"",
        "/as/introspect.oauth2\"",
        "/as/revoke_token.oauth2\"",
    ] {
        assert!(
            ping.lines()
                .any(|l| !l.starts_with('#') && l.contains(path)),
            "{ping}"
        );
    }
    let (_, wso2) = get("wso2");
    assert!(wso2.contains("token_endpoint = \"https://wso2is.example.com:9443/oauth2/token\""));
    assert!(
        wso2.contains("revocation_endpoint = \"https://wso2is.example.com:9443/oauth2/revoke\"")
    );
    assert!(wso2.contains(
        "introspection_endpoint = \"https://wso2is.example.com:9443/oauth2/introspect\""
    ));
    let (_, okta) = get("okta");
    assert!(okta.contains("# refresh_params = { redirect_uri = \"com.example.app:/callback\" }"));
    let file = parse_target(Path::new("okta.toml"), &uncomment_optional(&okta)).unwrap();
    assert_eq!(
        file.clients["public"].refresh_params["redirect_uri"],
        "com.example.app:/callback"
    );
    let (_, google) = get("google");
    assert!(google
        .contains("allowed_endpoint_hosts = [\"oauth2.googleapis.com\", \"www.googleapis.com\"]"));

    for p in all.iter().filter(|p| p.init.is_some()) {
        let text = template(p);
        let init = p.init.as_ref().unwrap();
        assert!(text.contains("# Vendor documentation: "), "{}", p.name);
        assert!(
            text.contains("https://") || init.source.starts_with("seed:"),
            "{}",
            p.name
        );
        if !p.name.starts_with("okta") {
            assert!(
                !text.contains("/oauth2/default"),
                "{} has Okta's paths:\n{text}",
                p.name
            );
        }
        let scopes = init.scopes.as_ref().unwrap();
        assert!(
            text.contains(&format!("granted = \"{}\"", scopes.granted)),
            "{}",
            p.name
        );
        // Secrets only ever by reference, in the file as printed and uncommented.
        for t in [text.clone(), uncomment_optional(&text)] {
            let file = parse_target(Path::new("t.toml"), &t).unwrap();
            for c in file.clients.values() {
                assert!(
                    !matches!(
                        c.secret,
                        Some(refresh_conformance::target::model::SecretRef::Literal(_))
                    ),
                    "{}",
                    p.name
                );
            }
        }
    }
}

/// The profile's issuer quirk can only be accepted where the profile
/// declares one.
#[test]
fn accepting_an_issuer_quirk_needs_a_profile_that_declares_it() {
    let dir = workdir();
    let path = dir.path().join("t.toml");
    let text = "name = \"x\"\nprofile = \"okta\"\nissuer = \"https://i.example\"\naccept_issuer_quirk = true\n[clients.main]\nid = \"m\"\nauth = \"none\"\n";
    let errors = parse_target(&path, text).unwrap_err();
    has(&errors, &path, 4, "profile `okta` declares no issuer quirk");
    let ok = text.replace("\"okta\"", "\"idcs\"");
    parse_target(&path, &ok).unwrap();
}
