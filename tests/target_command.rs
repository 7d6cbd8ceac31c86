//! The `command` grant source, with small shell scripts from tests/data/grant.

use refresh_conformance::target::command::run_grant_command;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

fn script(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/grant")
        .join(name)
        .display()
        .to_string()
}

fn vars() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("client.id".to_string(), "client-123".to_string()),
        ("scope".to_string(), "openid offline_access".to_string()),
    ])
}

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const T: Duration = Duration::from_secs(10);

#[tokio::test]
async fn success_substitutes_and_parses_stdout() {
    let v = run_grant_command(
        &argv(&["sh", &script("ok.sh"), "{{client.id}}", "{{scope}}"]),
        &vars(),
        T,
    )
    .await
    .unwrap();
    assert_eq!(v["refresh_token"], "rt-client-123");
    assert_eq!(
        v["scope"], "openid offline_access",
        "one argument, spaces kept"
    );
}

#[tokio::test]
async fn executable_script_runs_directly() {
    let v = run_grant_command(
        &argv(&[&script("ok.sh"), "{{ client.id }}", "x"]),
        &vars(),
        T,
    )
    .await
    .unwrap();
    assert_eq!(v["access_token"], "at-client-123");
}

#[tokio::test]
async fn non_zero_exit_gives_status_and_stderr() {
    let e = run_grant_command(
        &argv(&["sh", &script("fail.sh"), "{{client.id}}"]),
        &vars(),
        T,
    )
    .await
    .unwrap_err();
    assert!(e.contains("exit status 3"), "{e}");
    assert!(
        e.contains("stderr: login failed: invalid credentials for client-123"),
        "{e}"
    );
}

#[tokio::test]
async fn non_json_output_is_refused_without_quoting_it() {
    let e = run_grant_command(&argv(&["sh", &script("notjson.sh")]), &vars(), T)
        .await
        .unwrap_err();
    assert!(e.contains("not JSON"), "{e}");
    assert!(e.contains("send logs to stderr"), "{e}");
    assert!(
        !e.contains("Opening browser"),
        "stdout may hold tokens: {e}"
    );
    let e = run_grant_command(&argv(&["sh", &script("array.sh")]), &vars(), T)
        .await
        .unwrap_err();
    assert!(e.contains("not an object"), "{e}");
}

fn alive(pid: &str) -> bool {
    // A zombie (state Z) is dead for our purpose.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

#[tokio::test]
async fn timeout_kills_the_command_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("child.pid");
    let started = Instant::now();
    let e = run_grant_command(
        &argv(&["sh", &script("slow.sh"), &pidfile.display().to_string()]),
        &vars(),
        Duration::from_millis(500),
    )
    .await
    .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(e.contains("did not finish within 500ms"), "{e}");
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(3);
    while alive(&pid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !alive(&pid),
        "the command's child {pid} survived the timeout"
    );
}

#[tokio::test]
async fn missing_program_and_unknown_placeholder() {
    let e = run_grant_command(&argv(&["/nonexistent/login.sh"]), &vars(), T)
        .await
        .unwrap_err();
    assert!(e.contains("could not be started"), "{e}");
    let e = run_grant_command(&argv(&["sh", "{{client.secret}}"]), &vars(), T)
        .await
        .unwrap_err();
    assert!(e.contains("unknown placeholder `{{client.secret}}`"), "{e}");
    let e = run_grant_command(&[], &vars(), T).await.unwrap_err();
    assert!(e.contains("empty"), "{e}");
}

#[tokio::test]
async fn a_command_writing_without_end_is_stopped_at_the_stdout_cap() {
    // `yes` never ends by itself: only the cap, checked while reading, stops
    // it before the (long) timeout; memory stays at the cap.
    let e = run_grant_command(
        &argv(&["yes", "refresh-token-like-output"]),
        &vars(),
        Duration::from_secs(120),
    )
    .await
    .unwrap_err();
    assert!(
        e.contains("more than 1 MiB on stdout and was stopped"),
        "{e}"
    );
    assert!(
        !e.contains("refresh-token-like-output"),
        "stdout is never quoted: {e}"
    );
}

#[tokio::test]
async fn endless_stderr_keeps_only_its_tail() {
    let e = run_grant_command(
        &argv(&[
            "sh",
            "-c",
            "head -c 5000000 /dev/zero | tr '\\0' x >&2; echo THE-END >&2; exit 3",
        ]),
        &vars(),
        T,
    )
    .await
    .unwrap_err();
    assert!(e.contains("exit status 3") && e.contains("THE-END"), "{e}");
}
