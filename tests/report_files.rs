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
