//! The emulator as a server under abusive clients (docs/when-things-go-wrong.md):
//! idle connections up to its file-descriptor limit must not keep a normal
//! client from being answered. The emulator runs as a child process with a
//! low descriptor limit (`ulimit -n 1100`), so the abuse fits in this test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_refresh-conformance");

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `emulate` under `ulimit -n 1100`, and its host:port.
fn start_limited() -> (Child, String) {
    let mut child = Command::new("sh")
        .args([
            "-c",
            "ulimit -n 1100 && exec \"$0\" emulate --profile okta --port 0",
            BIN,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let child = Child(child);
    // Keep reading stdout to its end: a closed pipe would kill the emulator
    // (SIGPIPE) on its next line.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("issuer / base URL:") {
                let _ = tx.send(url.trim().trim_start_matches("http://").to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the emulator printed its base URL");
    (child, addr)
}

#[test]
fn a_normal_client_is_answered_while_idle_connections_exhaust_the_descriptors() {
    let (_emu, addr) = start_limited();
    // More idle connections than the emulator has descriptors: none sends a byte.
    let mut idle = Vec::new();
    for _ in 0..1200 {
        match TcpStream::connect(&addr) {
            Ok(s) => idle.push(s),
            Err(e) => panic!("connect: {e}"),
        }
    }
    // A normal client: its request must be answered, within a bound far
    // above the emulator's header-read timeout (10 s), not never.
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let read = s.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "no answer within 60 s with {} idle connections open ({read:?}): {answer:?}",
        idle.len()
    );
    // The idle ones were closed by the server, not kept forever.
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 1];
    assert!(
        matches!(first.read(&mut buf), Ok(0)),
        "an idle connection is closed"
    );
}
