//! The live-target path end to end: a `refresh-conformance emulate` child
//! process as the IdP, target files written into a temp dir, and
//! `refresh-conformance run --target FILE` as another child.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_refresh-conformance");

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Writes `text` to `dir/name` (a target, emulator config or scenario file)
/// and gives its path as the CLI takes it.
pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Environment variables for `cli`, from `(name, value)` pairs.
pub fn env_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A running `refresh-conformance emulate` child; killed (by its PID) on drop.
pub struct Emulator {
    pub child: Child,
    pub base_url: String,
    /// Everything it printed on stdout and stderr so far.
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
}

impl Emulator {
    /// Start `emulate --profile PROFILE --port 0 ARGS...` and read its base URL
    /// from the banner's `issuer / base URL:` line.
    pub fn start(profile: &str, args: &[&str]) -> Emulator {
        let mut child = Command::new(BIN)
            .args(["emulate", "--profile", profile, "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start `refresh-conformance emulate`");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let out = child.stdout.take().unwrap();
        let sink = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(url) = line.trim().strip_prefix("issuer / base URL:") {
                    let _ = tx.send(url.trim().to_string());
                }
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = String::new();
            let _ = err.read_to_string(&mut buf);
            sink.lock().unwrap().push_str(&buf);
        });
        let base_url = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the emulator printed no base URL; stderr: {}",
                    stderr.lock().unwrap()
                );
            }
        };
        Emulator {
            child,
            base_url,
            stdout,
            stderr,
        }
    }

    /// Stop the child by its PID and return what it printed (stdout, stderr).
    pub fn stop(mut self) -> (String, String) {
        self.kill();
        // Let the reader threads drain the pipes.
        std::thread::sleep(Duration::from_millis(100));
        let out = self.stdout.lock().unwrap().clone();
        let err = self.stderr.lock().unwrap().clone();
        (out, err)
    }

    fn kill(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGINT by PID: the emulator stops as after Ctrl-C.
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            for _ in 0..50 {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What a `run` child did.
pub struct RunOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl RunOutput {
    pub fn both(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `refresh-conformance ARGS...` with extra environment variables.
pub fn cli(args: &[&str], env: &BTreeMap<String, String>) -> RunOutput {
    let out = Command::new(BIN)
        .args(args)
        .envs(env)
        // These runs record fingerprints for the first time: under CI=true
        // that is (by design) an input error, so the child never sees CI.
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run refresh-conformance");
    RunOutput {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One JUnit testcase's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Warn,
    Fail(String),
    Error,
    Skip,
}

/// Verdicts by trial name (`classname/name`), with each skip's or error's message.
pub fn junit_verdicts(xml: &str) -> BTreeMap<String, (Verdict, String)> {
    let doc = roxmltree::Document::parse(xml).expect("JUnit is well-formed");
    let mut out = BTreeMap::new();
    for case in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        let name = format!(
            "{}/{}",
            case.attribute("classname").unwrap_or_default(),
            case.attribute("name").unwrap_or_default()
        );
        let child = |tag: &str| case.children().find(|c| c.has_tag_name(tag));
        let message = |n: roxmltree::Node| {
            format!(
                "{} {}",
                n.attribute("message").unwrap_or_default(),
                n.text().unwrap_or_default()
            )
        };
        let v = if let Some(f) = child("failure") {
            (
                Verdict::Fail(f.attribute("type").unwrap_or_default().to_string()),
                message(f),
            )
        } else if let Some(e) = child("error") {
            (Verdict::Error, message(e))
        } else if let Some(s) = child("skipped") {
            (Verdict::Skip, message(s))
        } else if child("system-out")
            .and_then(|o| o.text())
            .is_some_and(|t| t.trim_start().starts_with("WARN"))
        {
            (Verdict::Warn, String::new())
        } else {
            (Verdict::Pass, String::new())
        };
        out.insert(name, v);
    }
    out
}
