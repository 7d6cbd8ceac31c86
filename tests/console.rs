//! The console through the binary: trial lines as libtest prints them, with
//! what libtest lacks (a warning, an error, a trial not run) on the trial's
//! own line and counted apart in the summary line; the flags `cargo test`
//! users know. In a terminal (tmux), the waits status line is never left
//! inside a result line.

mod live_support;

use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;

fn no_env() -> BTreeMap<String, String> {
    BTreeMap::new()
}

/// The trial line of `name`, if shown.
fn line_of<'a>(stdout: &'a str, name: &str) -> Option<&'a str> {
    stdout.lines().find(|l| {
        l.strip_prefix("test ")
            .is_some_and(|r| r.starts_with(&format!("{name} ")))
    })
}

fn result_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("test result: "))
        .unwrap_or_else(|| panic!("no summary line: {stdout}"))
}

#[test]
fn a_warned_trial_shows_its_warning_on_its_line_and_is_counted_once_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let name = "emulated-okta/issuance/pragma-no-cache";
    let args = [
        "run",
        "--target",
        "emulated:okta",
        "--defect",
        "no-pragma",
        "--junit",
        junit.to_str().unwrap(),
        "issuance/pragma-no-cache",
    ];
    let out = cli(&args, &no_env());
    assert_eq!(out.code, 0, "a warning fails nothing: {}", out.both());
    let warning = "should: step `refresh`: header pragma: expected a value, got absent [rfc6749#5.1, oauth21#3.2.3]";
    let line = line_of(&out.stdout, name).unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(line.ends_with(&format!(" ... warn ({warning})")), "{line}");
    assert!(
        result_line(&out.stdout).starts_with(
            "test result: ok. 0 passed; 0 failed; 0 errors; 1 warnings; 0 ignored; 0 not run; "
        ),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.both().matches(warning).count(),
        1,
        "shown once: {}",
        out.both()
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(&format!("<system-out>WARN: {warning}")),
        "{xml}"
    );
    assert!(!xml.contains("WARN: WARN"), "{xml}");

    // --strict: a failure, on the line, in the counts and under `failures:`.
    let strict: Vec<&str> = args.iter().copied().chain(["--strict"]).collect();
    let out = cli(&strict, &no_env());
    assert_eq!(out.code, 1, "{}", out.both());
    let line = line_of(&out.stdout, name).unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(line.ends_with(" ... FAILED (warn, --strict)"), "{line}");
    assert!(
        result_line(&out.stdout)
            .starts_with("test result: FAILED. 0 passed; 1 failed; 0 errors; 0 warnings; "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("---- {name} ----\nWARN (failing: --strict)\n")),
        "{}",
        out.stdout
    );
}

/// Two scenarios for the emulator: `t/a` runs, `t/long` is marked ignored.
fn two_scenarios(dir: &Path) -> String {
    let scenario = |id: &str, extra: &str| {
        format!(
            "id = \"t/{id}\"\ntitle = \"t\"\nrefs = [\"rfc6749#6\"]\nlevel = \"must\"\n{extra}\n[[step]]\ngrant = {{}}\nexpect = {{ status = 200 }}\n"
        )
    };
    std::fs::write(dir.join("a.toml"), scenario("a", "")).unwrap();
    std::fs::write(dir.join("long.toml"), scenario("long", "ignored = true")).unwrap();
    dir.display().to_string()
}

/// FILTER words, `--exact`, `--skip`, `--ignored`, `--list`, `-q`,
/// `--test-threads` and `--color` work as libtest's; a trial that does not
/// run is never shown or counted as passed.
#[test]
fn the_flags_of_cargo_test_keep_working_and_a_trial_not_run_is_never_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = two_scenarios(dir.path());
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--no-builtin", "--scenarios", &scenarios];
        args.extend(["--target", "emulated:okta"]);
        args.extend(extra);
        let out = cli(&args, &no_env());
        assert!(out.code == 0, "{extra:?}: {}", out.both());
        out.stdout
    };
    let (a, long) = ("emulated-okta/t/a", "emulated-okta/t/long");

    let mut listed: Vec<String> = run(&["--list"]).lines().map(String::from).collect();
    listed.sort();
    assert_eq!(listed, [format!("{a}: test"), format!("{long}: test")]);
    assert_eq!(
        run(&["--list", "--ignored"]).trim(),
        format!("{long}: test")
    );

    let out = run(&[]);
    assert!(out.contains("\nrunning 2 tests\n"), "{out}");
    assert!(
        line_of(&out, a).is_some_and(|l| l.ends_with(" ... ok")),
        "{out}"
    );
    assert!(
        line_of(&out, long).is_some_and(|l| l.ends_with(" ... ignored")),
        "{out}"
    );
    let counts = "1 passed; 0 failed; 0 errors; 0 warnings; 1 ignored; 0 not run; 0 filtered out;";
    assert!(
        result_line(&out).starts_with(&format!("test result: ok. {counts}")),
        "{out}"
    );

    let out = run(&["--ignored", "--test-threads", "1"]);
    assert!(
        line_of(&out, long).is_some_and(|l| l.ends_with(" ... ok")),
        "{out}"
    );
    assert!(line_of(&out, a).is_none(), "{out}");
    assert!(
        result_line(&out).contains(
            "1 passed; 0 failed; 0 errors; 0 warnings; 0 ignored; 0 not run; 1 filtered out;"
        ),
        "{out}"
    );

    for words in [&["--exact", a][..], &["--skip", "t/long", "t/"][..]] {
        let out = run(words);
        assert!(
            line_of(&out, a).is_some_and(|l| l.ends_with(" ... ok")),
            "{out}"
        );
        assert!(line_of(&out, long).is_none(), "{words:?}: {out}");
        assert!(
            result_line(&out).contains(
                "1 passed; 0 failed; 0 errors; 0 warnings; 0 ignored; 0 not run; 1 filtered out;"
            ),
            "{out}"
        );
    }

    let out = run(&["-q"]);
    assert!(out.contains("\ni. 2/2\n"), "one character per trial: {out}");
    assert!(line_of(&out, a).is_none(), "{out}");

    let out = run(&["--color", "always"]);
    assert!(out.contains(" ... \x1b[32mok\x1b[0m\n"), "{out:?}");
    assert!(!run(&["--color", "never"]).contains('\x1b'));
}

// ------------------------------------------------------------ in a terminal

/// A target file for an `emulate` child served live: waits really sleep.
fn live_target(dir: &Path, base_url: &str) -> String {
    let text = format!(
        r#"name = "tty"
profile = "okta"
issuer = "{base_url}"

[clients.main]
id = "main"
auth = "client_secret_basic"
secret = {{ env = "TTY_TEST_SECRET" }}

[clients.main.grant]
kind = "password"
username = "alice"
password = {{ env = "TTY_TEST_PASSWORD" }}
"#
    );
    write_file(dir, "tty.toml", &text)
}

/// `t/short` ends while `t/long` still waits: its line is printed while the
/// status line is on screen.
fn waiting_scenarios(dir: &Path) -> String {
    for (id, wait) in [("short", "1s"), ("long", "6s")] {
        let text = format!(
            "id = \"t/{id}\"\ntitle = \"t\"\nrefs = [\"rfc6749#6\"]\nlevel = \"must\"\n[[step]]\ngrant = {{}}\n[[step]]\nwait = {{ duration = \"{wait}\" }}\n[[step]]\nrefresh = {{ token = \"{{{{grant.refresh_token}}}}\" }}\nexpect = {{ status = 200 }}\n"
        );
        std::fs::write(dir.join(format!("{id}.toml")), text).unwrap();
    }
    dir.display().to_string()
}

/// A tmux server of this test's own (its own socket), killed by name on drop.
struct Tmux(String);

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            // Its own server, without the user's configuration.
            .args(["-L", &self.0, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }
    fn screen(&self) -> String {
        let out = self.cmd(&["capture-pane", "-p", "-t", "t", "-S", "-"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}

/// Run `run ARGS` in an 80-column tmux pane; returns whether the status line
/// was seen while it ran, the screen at the end and the exit code.
fn in_tmux(args: &str, tag: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done");
    let tmux = Tmux(format!("rc-console-{}-{tag}", std::process::id()));
    let command = format!(
        "env -u NO_COLOR -u COLUMNS -u CI {args}; echo $? > {}; sleep 600",
        done.display()
    );
    let started = tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "80",
        "-y",
        "50",
        &command,
    ]);
    assert!(started.status.success(), "{started:?}");
    let mut seen = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !done.exists() {
        assert!(std::time::Instant::now() < deadline, "{}", tmux.screen());
        seen |= tmux.screen().contains("waiting (");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let code = std::fs::read_to_string(&done).unwrap().trim().to_string();
    (seen, tmux.screen(), code)
}

fn tmux_installed() -> bool {
    let ok = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok();
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "tmux is required under CI"
    );
    ok
}

/// On a terminal a result line first clears the waits status line (no
/// `…5 moretest x ... ok`), the status line comes back below it, and it is
/// gone when the waits end; with `-q` too, where it follows the characters.
#[test]
fn a_result_line_clears_the_waits_status_line_and_none_is_left_on_the_terminal() {
    if !tmux_installed() {
        return;
    }
    let emu = Emulator::start("okta", &[]);
    let dir = tempfile::tempdir().unwrap();
    let target = live_target(dir.path(), &emu.base_url);
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    let scenarios = waiting_scenarios(&scenarios);
    let run = format!(
        "TTY_TEST_SECRET=main-secret TTY_TEST_PASSWORD=alice-password {BIN} run --target {target} --no-builtin --scenarios {scenarios}"
    );
    for (quiet, tag) in [("", "lines"), (" -q", "quiet")] {
        let (seen, screen, code) = in_tmux(&format!("{run}{quiet}"), tag);
        assert_eq!(code, "0", "{screen}");
        assert!(seen, "the waits were shown while they ran: {screen}");
        assert!(
            !screen.contains("waiting ("),
            "a status line was left:\n{screen}"
        );
        assert!(screen.contains("test result: ok. 2 passed;"), "{screen}");
        if quiet.is_empty() {
            for l in screen.lines().filter(|l| l.contains("test tty/")) {
                assert!(
                    l.starts_with("test tty/t/") && l.ends_with(" ... ok"),
                    "{l:?} in\n{screen}"
                );
            }
            assert_eq!(screen.matches("test tty/t/").count(), 2, "{screen}");
        } else {
            assert!(screen.lines().any(|l| l == ".. 2/2"), "{screen}");
        }
    }
    emu.stop();
}
