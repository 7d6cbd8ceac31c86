//! The files a run writes, through the binary: created as any file the user
//! writes (the umask, not 0600), the HTML report's data named after it (never
//! overwriting an `index.json` it did not write), an unwritable path refused
//! before the first request, and no temporary file of a killed write left behind.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_refresh-conformance"))
        .current_dir(dir)
        .args([
            "run",
            "-q",
            "--exact",
            "emulated-okta/rotation/new-refresh-token-issued",
        ])
        .args(extra)
        .env_remove("CI")
        .output()
        .unwrap()
}

fn umask() -> u32 {
    // SAFETY: read by setting, then put straight back.
    unsafe {
        let m = libc::umask(0o022);
        libc::umask(m);
        m as u32
    }
}

#[test]
fn report_files_are_created_as_the_user_creates_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).unwrap();
    // A data file the run did not write, and a temporary file a killed run left.
    std::fs::write(d.join("out/index.json"), "mine").unwrap();
    std::fs::write(d.join("out/.j.xml.Ab12Cd.tmp"), "half").unwrap();
    let out = run(
        d,
        &[
            "--junit",
            "out/j.xml",
            "--html",
            "out/x.html",
            "--summary",
            "out/s.md",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = 0o666 & !umask();
    for f in ["j.xml", "x.html", "x.json", "s.md"] {
        let mode = std::fs::metadata(d.join("out").join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, want, "{f}: {mode:o}, want {want:o}");
    }
    assert_eq!(
        std::fs::read_to_string(d.join("out/index.json")).unwrap(),
        "mine"
    );
    assert!(
        !d.join("out/.j.xml.Ab12Cd.tmp").exists(),
        "stale temporary file left"
    );
}

#[test]
fn an_unwritable_report_path_is_refused_before_the_first_request() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("file"), "not a directory").unwrap();
    let out = run(d, &["--junit", "file/j.xml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("file/j.xml: cannot be written"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("running"), "no trial may start: {stdout}");
}

/// JUnit times: a testcase's is its trial's wall time, a suite's and the
/// file's are the wall time the run spans, never a sum over overlapping
/// trials (217 s was once reported for a 1.46 s run).
#[test]
fn junit_suite_and_file_times_are_wall_times() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let began = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_refresh-conformance"))
        .current_dir(d)
        .args([
            "run",
            "-q",
            "--target",
            "emulated:okta",
            "--test-threads",
            "1",
        ])
        .args(["--junit", "j.xml"])
        .env_remove("CI")
        .output()
        .unwrap();
    let wall = began.elapsed().as_secs_f64();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = std::fs::read_to_string(d.join("j.xml")).unwrap();
    let times = |tag: &str| -> Vec<f64> {
        xml.match_indices(&format!("<{tag} "))
            .map(|(i, _)| {
                let rest = &xml[i..];
                let t = rest.find(" time=\"").unwrap() + 7;
                let end = rest[t..].find('"').unwrap();
                rest[t..t + end].parse().unwrap()
            })
            .collect()
    };
    let file = times("testsuites")[0];
    let suites = times("testsuite");
    let cases = times("testcase");
    assert!(cases.len() > 50);
    assert!(file <= wall, "file time {file} s > the run's {wall:.3} s");
    for s in &suites {
        assert!(*s <= file + 0.001, "suite time {s} s > file time {file} s");
    }
    for c in &cases {
        assert!(
            *c <= file + 0.001,
            "testcase time {c} s > file time {file} s"
        );
    }
}
