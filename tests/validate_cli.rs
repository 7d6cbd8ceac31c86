//! `validate` through the binary on target files: `init`'s output validates
//! as printed, and a literal secret is refused with its location (exit 2).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_refresh-conformance");

#[test]
fn init_output_validates_and_a_literal_secret_does_not() {
    let dir = tempfile::tempdir().unwrap();
    for p in refresh_conformance::behaviour::builtin_profiles() {
        let out = Command::new(BIN)
            .args(["init", "--profile", &p.name])
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(dir.path().join(format!("{}.toml", p.name)), out.stdout).unwrap();
    }
    let out = Command::new(BIN)
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\nprofile = \"okta\"\ntoken_endpoint = \"http://127.0.0.1:1/t\"\n[clients.main]\nid = \"a\"\nauth = \"client_secret_basic\"\nsecret = \"literal\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("validate")
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml:7:10:") && err.contains("{ env = "),
        "{err}"
    );
    assert!(
        !err.contains("literal\""),
        "the secret's value is never echoed: {err}"
    );
}

/// Run the binary, killing it if it has not ended within `limit` (a hang is
/// the failure these tests look for: they must not hang themselves).
fn run_bounded(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let limit = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > limit {
            let _ = child.kill();
            panic!("{args:?} still running after 60 s: it hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_fifo_or_a_device_named_like_a_scenario_target_emulator_file_or_fingerprint_is_a_clear_error_not_a_hang(
) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let zero_dir = tempfile::tempdir().unwrap();
    let zero = zero_dir.path().join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (vec!["validate".as_ref(), dir.path().as_os_str()], "a FIFO"),
        (
            vec![
                "run".as_ref(),
                "--no-builtin".as_ref(),
                "--scenarios".as_ref(),
                dir.path().as_os_str(),
            ],
            "a FIFO",
        ),
        (
            vec!["validate".as_ref(), zero.as_os_str()],
            "character device",
        ),
        (
            vec!["run".as_ref(), "--target".as_ref(), zero.as_os_str()],
            "character device",
        ),
        (
            vec!["run".as_ref(), "--target".as_ref(), fifo.as_os_str()],
            "a FIFO",
        ),
        (
            vec!["emulate".as_ref(), "--config".as_ref(), fifo.as_os_str()],
            "a FIFO",
        ),
        (
            vec!["emulate".as_ref(), "--profile".as_ref(), fifo.as_os_str()],
            "a FIFO",
        ),
        (
            vec!["emulate".as_ref(), "--profile".as_ref(), zero.as_os_str()],
            "character device",
        ),
        (
            vec![
                "run".as_ref(),
                "--target".as_ref(),
                "emulated:rfc6749".as_ref(),
                "--fingerprint".as_ref(),
                fifo.as_os_str(),
            ],
            "a FIFO",
        ),
    ];
    for (args, says) in cases {
        let out = run_bounded(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.contains("only regular files"),
            "{args:?}: {stderr}"
        );
    }
}
