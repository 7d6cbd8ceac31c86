//! Target files through the CLI against a `refresh-conformance emulate`
//! child: the client preflight (a wrong secret is one error naming the cause,
//! the client's other trials not run, exit 3) and `run --list`'s count of
//! fresh grants.

mod live_support;

use live_support::*;
use std::collections::BTreeMap;

fn target_file(dir: &std::path::Path, name: &str, base: &str, main: &str) -> String {
    let text = format!(
        r#"name = "{name}"
profile = "okta"
issuer = "{base}"
emulator_control = true

[clients.main]
{main}

[clients.main.grant]
kind = "password"
username = "alice"
password = {{ env = "LIVE_TEST_PASSWORD" }}
"#
    );
    write_file(dir, &format!("{name}.toml"), &text)
}

/// One set-up mistake, one error: the first trial using the client is the
/// error, with what was sent (redacted) and what the IdP answered; every
/// other trial using it is not run and names that error; the console, JUnit,
/// the Markdown summary and the HTML report's data count them apart.
#[test]
fn a_wrong_client_secret_is_one_error_and_the_client_s_other_trials_are_not_run() {
    let emu = Emulator::start("okta", &[]);
    let dir = tempfile::tempdir().unwrap();
    let target = target_file(
        dir.path(),
        "wrong-secret",
        &emu.base_url,
        "id = \"main\"\nauth = \"client_secret_basic\"\nsecret = { env = \"LIVE_TEST_SECRET\" }",
    );
    let junit = dir.path().join("junit.xml");
    let summary = dir.path().join("summary.md");
    let html = dir.path().join("report.html");
    let env = BTreeMap::from([
        (
            "LIVE_TEST_SECRET".to_string(),
            "not-the-main-secret".to_string(),
        ),
        (
            "LIVE_TEST_PASSWORD".to_string(),
            "alice-password".to_string(),
        ),
    ]);
    let out = cli(
        &[
            "run",
            "--target",
            &target,
            "--junit",
            junit.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            // okta's confidential client keeps its refresh token: the
            // rotation/ scenarios it runs, and refresh/, need a grant.
            "rotation/",
            "refresh/",
            "errors/unknown-refresh-token",
        ],
        &env,
    );
    assert_eq!(out.code, 3, "errors but no failure: exit 3\n{}", out.both());
    assert!(
        !out.both().contains("not-the-main-secret"),
        "{}",
        out.both()
    );

    let cause = "client `main`: preflight refresh with a bogus token answered invalid_client (status 401): the client id/secret/key or its grant-type configuration is wrong";
    let (owner, n) = one_error_the_others_not_run(&out.stdout, cause);
    reports_count_them_apart(dir.path(), &owner, n, cause);

    // The same file with the right secret runs clean: the preflight blames the secret only.
    let env = BTreeMap::from([
        ("LIVE_TEST_SECRET".to_string(), "main-secret".to_string()),
        (
            "LIVE_TEST_PASSWORD".to_string(),
            "alice-password".to_string(),
        ),
    ]);
    let out = cli(
        &["run", "--target", &target, "errors/unknown-refresh-token"],
        &env,
    );
    assert_eq!(out.code, 0, "{}", out.both());
    emu.stop();
}

/// The console: one ERROR line, with what was sent and answered under
/// `failures:`; the others not run and naming it. Returns the error's trial
/// and how many were not run.
fn one_error_the_others_not_run(stdout: &str, cause: &str) -> (String, usize) {
    // The console: one ERROR line, the others not run and naming it.
    let lines: Vec<&str> = stdout.lines().collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.ends_with("... ERROR"))
        .collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    let owner = errors[0]["test ".len()..].split(' ').next().unwrap();
    let not_run = format!("not run (client `main` cannot authenticate: see the error of {owner})");
    let n = lines.iter().filter(|l| l.ends_with(&not_run)).count();
    assert!(n >= 3, "{stdout}");
    assert_eq!(stdout.matches(cause).count(), 1, "{stdout}");
    let failures = stdout
        .split("\nfailures:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    let entries = failures.lines().filter(|l| l.starts_with("---- ")).count();
    assert_eq!(entries, 1, "{failures}");
    for shown in [
        "exchange #1 (step `preflight:main`):\n> POST ",
        "> authorization: Basic ‹basic:main›",
        "< 401",
        "{\"error\":\"invalid_client\"",
    ] {
        assert!(failures.contains(shown), "{shown} in {failures}");
    }
    let counts = "0 passed; 0 failed; 1 errors; 0 warnings; ";
    let result = lines
        .iter()
        .find(|l| l.starts_with("test result: "))
        .unwrap();
    assert!(
        result.starts_with("test result: ERROR. ") && result.contains(counts),
        "{result}"
    );
    assert!(result.contains(&format!("; {n} not run;")), "{result}");
    assert!(stdout.lines().count() < 150, "{stdout}");
    (owner.to_string(), n)
}

/// JUnit has the one error and the others skipped as not run, naming it;
/// the Markdown summary and the HTML report's data count them apart.
fn reports_count_them_apart(dir: &std::path::Path, owner: &str, n: usize, cause: &str) {
    // JUnit: the one error; the others skipped as not run, naming it.
    let verdicts = junit_verdicts(&std::fs::read_to_string(dir.join("junit.xml")).unwrap());
    let mut skipped_not_run = 0;
    for (name, (v, message)) in &verdicts {
        match v {
            Verdict::Error => {
                assert_eq!(name, owner);
                assert!(message.contains(cause), "{name}: {message}");
            }
            Verdict::Skip if message.contains("not run: client `main` cannot authenticate") => {
                assert!(message.contains(owner), "{name}: {message}");
                skipped_not_run += 1;
            }
            Verdict::Skip => {}
            other => panic!("{name}: {other:?} (a wrong secret is no IdP failure)"),
        }
    }
    assert_eq!(skipped_not_run, n, "{verdicts:#?}");

    // The Markdown summary and the HTML report's data count them apart.
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(
        md.contains("0 fail, 1 error, ") && md.contains(&format!(", {n} not run")),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["total"]["error"], 1, "{}", json["total"]);
    assert_eq!(json["total"]["fail"], 0, "{}", json["total"]);
    assert_eq!(json["total"]["not_run"], n, "{}", json["total"]);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains(&format!("{n} not run")), "{html}");
}

#[test]
fn an_idp_answering_invalid_client_for_unknown_tokens_is_judged_not_blamed_on_the_client() {
    // The defect makes the bogus preflight token answer 401 invalid_client;
    // the revocation endpoint accepts the same credentials, so the catalog
    // judges it: errors/unknown-refresh-token fails, the rest is unaffected.
    let emu = Emulator::start("okta", &["--defect", "garbage-token-wrong-error"]);
    let dir = tempfile::tempdir().unwrap();
    let target = target_file(
        dir.path(),
        "garbage",
        &emu.base_url,
        "id = \"main\"\nauth = \"client_secret_basic\"\nsecret = { env = \"LIVE_TEST_SECRET\" }",
    );
    let junit = dir.path().join("junit.xml");
    let env = BTreeMap::from([
        ("LIVE_TEST_SECRET".to_string(), "main-secret".to_string()),
        (
            "LIVE_TEST_PASSWORD".to_string(),
            "alice-password".to_string(),
        ),
    ]);
    let out = cli(
        &[
            "run",
            "--target",
            &target,
            "--junit",
            junit.to_str().unwrap(),
            "errors/unknown-refresh-token",
            "rotation/unrotated-token-keeps-working",
        ],
        &env,
    );
    assert_eq!(out.code, 1, "{}", out.both());
    let verdicts = junit_verdicts(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(
        verdicts["garbage/errors/unknown-refresh-token"].0,
        Verdict::Fail("spec-violation".into()),
        "{verdicts:#?}"
    );
    assert_eq!(
        verdicts["garbage/rotation/unrotated-token-keeps-working"].0,
        Verdict::Pass,
        "{verdicts:#?}"
    );
    emu.stop();
}

#[test]
fn list_counts_fresh_grants_per_client_and_notes_a_seed_token() {
    let dir = tempfile::tempdir().unwrap();
    // --list sends nothing: no server is needed behind the target.
    let path = dir.path().join("seeded.toml");
    std::fs::write(
        &path,
        r#"name = "seeded"
profile = "okta"
token_endpoint = "http://127.0.0.1:9/oauth2/token"

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = { env = "LIVE_TEST_SECRET" }

[clients.main.grant]
kind = "refresh_token_env"
env = "LIVE_TEST_SEED"

[clients.public]
id = "public"
auth = "none"

[clients.public.grant]
kind = "command"
command = ["./login.sh", "{{client.id}}", "{{scope}}"]
"#,
    )
    .unwrap();
    let env = BTreeMap::from([
        ("LIVE_TEST_SECRET".to_string(), "s3cret-value".to_string()),
        ("LIVE_TEST_SEED".to_string(), "seed-token-value".to_string()),
    ]);
    let target = path.display().to_string();
    let out = cli(&["run", "--list", "--target", &target], &env);
    assert_eq!(out.code, 0, "{}", out.both());
    // Every runnable trial is listed on stdout; the count goes to stderr.
    assert!(
        out.stdout
            .contains("seeded/rotation/unrotated-token-keeps-working: test"),
        "{}",
        out.stdout
    );
    let line = out
        .stderr
        .lines()
        .find(|l| l.starts_with("fresh grants needed: seeded "))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    let count = |role: &str| -> usize {
        line["fresh grants needed: seeded ".len()..]
            .split(", ")
            .filter_map(|p| p.trim().strip_prefix(&format!("{role} ")))
            .filter_map(|n| n.trim().parse().ok())
            .next()
            .unwrap_or_else(|| panic!("no count for {role} in {line}"))
    };
    // A seed token cannot choose scopes: only grants without an explicit scope count.
    assert!(count("main") > 10, "{line}");
    assert_eq!(count("public"), 4, "{line}");
    assert!(
        out.stderr.contains("note: seeded: client `main`'s grant source (refresh_token_env) is not repeatable: only one trial can use the seed token;"),
        "{}",
        out.stderr
    );
    assert!(!out.both().contains("seed-token-value"));

    // A filter narrows the count.
    let out = cli(
        &[
            "run",
            "--list",
            "--target",
            &target,
            "rotation/unrotated-token-keeps-working",
            // A seed cannot serve a grant step expecting an access token.
            "refresh/new-access-token",
        ],
        &env,
    );
    assert!(
        out.stderr.contains("fresh grants needed: seeded main 1\n"),
        "{}",
        out.stderr
    );
}

/// A live target that states no `[behaviour]`: the end of the run lists each
/// unverified profile value that caused skips, with how many and the exact
/// line to add; adding those lines runs the trials.
#[test]
fn the_end_of_a_run_lists_the_values_to_state_with_the_line_to_add() {
    let emu = Emulator::start("okta", &[]);
    let dir = tempfile::tempdir().unwrap();
    let target = target_file(
        dir.path(),
        "fresh",
        &emu.base_url,
        "id = \"main\"\nauth = \"client_secret_basic\"\nsecret = { env = \"LIVE_TEST_SECRET\" }",
    );
    let env = BTreeMap::from([
        ("LIVE_TEST_SECRET".to_string(), "main-secret".to_string()),
        (
            "LIVE_TEST_PASSWORD".to_string(),
            "alice-password".to_string(),
        ),
    ]);
    let out = cli(&["run", "--target", &target], &env);
    assert_eq!(out.code, 0, "{}", out.both());
    let list = out
        .stdout
        .split("because a behaviour value is not known for the target")
        .nth(1)
        .unwrap_or_else(|| panic!("no list of values to state:\n{}", out.stdout));
    let before: usize = out
        .stdout
        .lines()
        .find(|l| l.contains("trials skipped because a behaviour value"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap();
    assert!(before > 0);
    // Every listed line, added to the target, removes its skips.
    let re = regex::Regex::new(r"add `([a-z_]+ = [^`]+)`").unwrap();
    let lines: std::collections::BTreeSet<String> =
        re.captures_iter(list).map(|c| c[1].to_string()).collect();
    assert!(!lines.is_empty(), "{list}");
    let mut text = std::fs::read_to_string(&target).unwrap();
    text.push_str("\n[behaviour]\n");
    for l in &lines {
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(&target, text).unwrap();
    let out = cli(&["run", "--target", &target], &env);
    assert_eq!(out.code, 0, "{}", out.both());
    assert!(
        !out.stdout
            .contains("because a behaviour value is not known"),
        "{}",
        out.stdout
    );
}
