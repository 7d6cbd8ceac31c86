//! Interrupts: Ctrl-C (SIGINT) or SIGTERM during a run. No new trials start,
//! running ones get a moment and are then cancelled, the JUnit file is written
//! with what finished (the rest as errors "interrupted before it finished"),
//! and the process exits 130 / 143. A second Ctrl-C exits at once and leaves
//! no half-written report behind.
//!
//! The engine is tested in-process with a manual trigger; the binary is tested
//! by signalling a real child `refresh-conformance run` against a loopback IdP
//! started here (a target file points at it; a scenario's live `wait` keeps a
//! trial running).

mod support;

use refresh_conformance::record::Outcome;
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::interrupt::{Interrupts, Signal, GRACE, INTERRUPTED};
use refresh_conformance::run::plan::Filters;
use refresh_conformance::run::runner::{self, Settings};
use refresh_conformance::scenario::load::load_text;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

const QUICK: &str = r#"
id = "sig/quick"
title = "a grant"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
"#;

/// Waits a minute between grant and refresh (a live target really sleeps).
const LONG: &str = r#"
id = "sig/long"
title = "a grant, a long wait, a refresh"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
wait = { duration = "60s" }
[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200 }
"#;

fn good_idp() -> Script {
    Arc::new(|_: &Seen| token_response(&format!("rt-{}-canary", rand::random::<u64>())))
}

fn grants(idp: &TestIdp) -> usize {
    idp.log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.form.get("grant_type").map(String::as_str) == Some("password"))
        .count()
}

fn wait_until(what: &str, bound: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < bound, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------- in-process

fn engine_run(
    trigger_when_started: bool,
) -> (
    Vec<refresh_conformance::record::TrialRecord>,
    Duration,
    usize,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let idp = rt.block_on(start(good_idp()));
    let target = target_for(&idp.base_url, PROFILE);
    let scenarios = vec![
        load_text("quick.toml", QUICK, false, false).unwrap(),
        load_text("long.toml", LONG, false, false).unwrap(),
    ];
    let interrupts = Interrupts::manual();
    if !trigger_when_started {
        interrupts.trigger(Signal::Interrupt);
    }
    let log = idp.log.clone();
    let cancel = interrupts.cancel();
    let settings = Settings {
        test_threads: Some(2),
        ..Default::default()
    };
    let start = Instant::now();
    std::thread::scope(|s| {
        if trigger_when_started {
            s.spawn(|| {
                wait_until("both grants", Duration::from_secs(20), || {
                    log.lock().unwrap().len() >= 2
                });
                interrupts.trigger(Signal::Interrupt);
            });
        }
        let result = runner::run_with_cancel(
            &rt,
            vec![target],
            scenarios,
            &Filters::default(),
            &RunOptions::default(),
            &settings,
            Arc::new(Redactor::new()),
            &cancel,
        )
        .unwrap();
        (result.records, start.elapsed(), grants(&idp))
    })
}

#[test]
fn running_trials_get_a_moment_then_are_recorded_as_interrupted() {
    let (records, elapsed, _) = engine_run(true);
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].outcome,
        Outcome::Pass,
        "the finished trial keeps its outcome: {}",
        records[0].details()
    );
    match &records[1].outcome {
        Outcome::Error { cause } => assert!(cause.starts_with(INTERRUPTED), "{cause}"),
        other => panic!("the waiting trial is cut short: {other:?}"),
    }
    assert!(
        records[1].message.contains("SIGINT"),
        "{}",
        records[1].message
    );
    // The grace, not the minute-long wait, bounds the run.
    assert!(
        elapsed >= GRACE && elapsed < GRACE + Duration::from_secs(15),
        "{elapsed:?}"
    );
}

#[test]
fn after_an_interrupt_no_new_trial_starts() {
    let (records, elapsed, grants) = engine_run(false);
    assert_eq!(grants, 0, "no request was sent");
    assert_eq!(records.len(), 2);
    for r in &records {
        assert!(
            matches!(&r.outcome, Outcome::Error { cause } if cause.starts_with(INTERRUPTED)),
            "{:?}",
            r.outcome
        );
    }
    assert!(
        elapsed < Duration::from_secs(5),
        "nothing waits for the grace: {elapsed:?}"
    );
}

#[test]
fn exit_codes_are_128_plus_the_signal() {
    assert_eq!(Signal::Interrupt.exit_code(), 130);
    assert_eq!(Signal::Terminate.exit_code(), 143);
}

// ---------------------------------------------------------------- a real child process

struct Child {
    child: std::process::Child,
    stderr: std::sync::mpsc::Receiver<String>,
    dir: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
    idp: TestIdp,
}

impl Child {
    fn junit(&self) -> std::path::PathBuf {
        self.dir.path().join("out/junit.xml")
    }
    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child's pid.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill failed");
    }
    /// Wait for a line of stderr containing `needle` (bounded).
    fn stderr_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(e) => panic!("no stderr line with `{needle}`: {e}"),
            }
        }
    }
    /// Wait for the exit (bounded), killing the child if it hangs.
    fn exit_code(&mut self, bound: Duration) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st
                    .code()
                    .unwrap_or_else(|| panic!("ended by a signal: {st:?}"));
            }
            if start.elapsed() > bound {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the run did not exit within {bound:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Start `refresh-conformance run` on the quick and the long scenario against
/// a loopback IdP, and wait until both trials have sent their grant.
fn spawn_run() -> Child {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let idp = rt.block_on(start(good_idp()));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("scenarios")).unwrap();
    std::fs::create_dir_all(d.join("out")).unwrap();
    std::fs::write(d.join("scenarios/quick.toml"), QUICK).unwrap();
    std::fs::write(d.join("scenarios/long.toml"), LONG).unwrap();
    std::fs::write(d.join("profile.toml"), PROFILE).unwrap();
    std::fs::write(
        d.join("target.toml"),
        format!(
            r#"
name = "sig"
profile = "profile.toml"
token_endpoint = "{base}/oauth2/token"
timeout = "5s"

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = {{ env = "RC_SIGNAL_TEST_SECRET" }}

[grant]
kind = "password"
username = "alice"
password = {{ env = "RC_SIGNAL_TEST_PASSWORD" }}

[scopes]
granted = "openid offline_access read"
"#,
            base = idp.base_url
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_refresh-conformance"))
        .args(["run", "--no-builtin", "--scenarios"])
        .arg(d.join("scenarios"))
        .arg("--target")
        .arg(d.join("target.toml"))
        .arg("--junit")
        .arg(d.join("out/junit.xml"))
        .args(["--test-threads", "2", "--color", "never"])
        .env("RC_SIGNAL_TEST_SECRET", "main-secret-canary")
        .env("RC_SIGNAL_TEST_PASSWORD", "alice-password")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, stderr) = std::sync::mpsc::channel();
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let c = Child {
        child,
        stderr,
        dir,
        _rt: rt,
        idp,
    };
    wait_until(
        "both trials to send their grant",
        Duration::from_secs(30),
        || grants(&c.idp) >= 2,
    );
    c
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "junit.xml")
        .collect()
}

/// The JUnit file: valid, the quick trial passed, the long one an error "interrupted".
fn check_junit(path: &Path) {
    let xml = std::fs::read_to_string(path).expect("the JUnit file is written");
    let doc =
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no testcase {name}:\n{xml}"))
    };
    let quick = case("sig/quick");
    assert!(
        !quick.children().any(|c| c.has_tag_name("failure")
            || c.has_tag_name("error")
            || c.has_tag_name("skipped")),
        "{xml}"
    );
    let long = case("sig/long");
    let err = long
        .children()
        .find(|c| c.has_tag_name("error"))
        .unwrap_or_else(|| panic!("{xml}"));
    assert!(
        err.attribute("message").unwrap_or("").contains(INTERRUPTED),
        "{xml}"
    );
    if Command::new("xmllint").arg("--version").output().is_ok() {
        let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema)
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is required under CI"
        );
    }
}

#[test]
fn sigint_writes_the_junit_with_what_finished_and_exits_130() {
    let mut c = spawn_run();
    // Let the quick trial finish first (its record is what "what finished" means).
    c.stderr_line("waiting 1m for");
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    c.signal(libc::SIGINT);
    assert_eq!(c.exit_code(Duration::from_secs(20)), 130);
    assert!(
        sent.elapsed() < GRACE + Duration::from_secs(10),
        "{:?}",
        sent.elapsed()
    );
    check_junit(&c.junit());
    assert_eq!(
        leftovers(&c.dir.path().join("out")),
        Vec::<String>::new(),
        "no temporary file left behind"
    );
}

#[test]
fn sigterm_exits_143() {
    let mut c = spawn_run();
    std::thread::sleep(Duration::from_millis(300));
    c.signal(libc::SIGTERM);
    assert_eq!(c.exit_code(Duration::from_secs(20)), 143);
    check_junit(&c.junit());
}

#[test]
fn a_second_ctrl_c_exits_at_once_leaving_the_old_report_whole() {
    let mut c = spawn_run();
    std::fs::write(c.junit(), "OLD REPORT").unwrap();
    c.signal(libc::SIGINT);
    // The first was seen (the run is in its grace period) ...
    c.stderr_line("Press Ctrl-C again");
    c.signal(libc::SIGINT);
    assert_eq!(c.exit_code(Duration::from_secs(20)), 130);
    // ... and the second ended it during the grace: no report was written over the old one.
    assert_eq!(std::fs::read_to_string(c.junit()).unwrap(), "OLD REPORT");
    assert_eq!(leftovers(&c.dir.path().join("out")), Vec::<String>::new());
}
