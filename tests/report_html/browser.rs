//! Headless Chromium for the HTML report's tests: found (and required under
//! `CI=true`), run one at a time with a generous timeout, to take a
//! screenshot or to read measurements a probe script leaves in the DOM.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The width the report must fit: a 1400 px wide window.
pub const WIDTH: u32 = 1400;
const HEIGHT: u32 = 900;
/// Chromium can take long to start on a loaded machine; this only bounds a hang.
const TIMEOUT: Duration = Duration::from_secs(240);

/// One Chromium at a time: the tests of this file run in parallel threads.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The Chromium to use: `$CHROMIUM`, else `chromium` (Debian's package) or
/// another name for it on the PATH. `None` outside CI when there is none
/// (the caller skips, saying so); under `CI=true`, a missing browser fails.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM").map(PathBuf::from).or_else(|| {
        [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "headless_shell",
        ]
        .iter()
        .find_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (out.status.success() && !p.is_empty()).then(|| PathBuf::from(p))
        })
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!(
                "CI=true but no Chromium was found (install Debian's `chromium` package, \
                 as .ci/run does, or set CHROMIUM=/path/to/chromium)"
            );
        }
        eprintln!("note: Chromium not found, rendering test skipped (apt-get install chromium)");
    }
    found
}

/// Runs Chromium headless on `page` with `extra` arguments; returns its stdout.
fn run(bin: &Path, page: &Path, extra: &[String]) -> String {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    // Read both pipes while it runs: a DOM dump is larger than a pipe buffer.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        out_pipe.read_to_string(&mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        err_pipe.read_to_string(&mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "Chromium did not finish within {} s on {} (stderr: {})",
                TIMEOUT.as_secs(),
                page.display(),
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.success(), "Chromium failed ({status}): {err}");
    out
}

/// A screenshot of the top of `page` (1400 × 900), decoded: (width, height, RGB rows).
pub fn screenshot(bin: &Path, page: &Path, png_out: &Path) -> (u32, u32, Vec<u8>) {
    run(bin, page, &[format!("--screenshot={}", png_out.display())]);
    let file = std::fs::File::open(png_out).expect("Chromium wrote no screenshot");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert!(
        channels >= 3,
        "not an RGB screenshot: {:?}",
        info.color_type
    );
    let rgb: Vec<u8> = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, rgb)
}

/// What the probe measures once the page is laid out, every `<details>` open.
const PROBE: &str = r#"<script>(function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var de = document.documentElement, vw = window.innerWidth, out = [], beyond = [];
  var name = function (e) {
    return e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '') + ' "' +
      (e.textContent || '').replace(/\s+/g, ' ').slice(0, 60) + '"';
  };
  document.querySelectorAll('body *').forEach(function (e) {
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) { out.push(name(e) + ' ' + e.scrollWidth + '>' + e.clientWidth); }
    if (e.getBoundingClientRect().right > vw + 1) { beyond.push(name(e)); }
  });
  var v = document.querySelector('.verdict');
  var r = {
    innerWidth: vw, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth,
    overflowing: out.slice(0, 20), beyond: beyond.slice(0, 20),
    verdict: v ? v.textContent.replace(/\s+/g, ' ').trim() : null,
    verdictClass: v ? v.getAttribute('class') : null,
    verdictBackground: v ? getComputedStyle(v).backgroundColor : null,
    order: Array.prototype.map.call(document.body.children, function (e) { return e.id || e.tagName.toLowerCase(); })
  };
  var p = document.createElement('pre');
  p.textContent = 'PROBE' + '[' + JSON.stringify(r) + ']' + 'PROBE';
  document.body.appendChild(p);
})();</script>"#;

/// Lays `html` out at 1400 px in Chromium and returns the probe's measurements.
pub fn probe(bin: &Path, html: &str, dir: &Path, name: &str) -> serde_json::Value {
    // The report's policy allows no script at all: the probe's page allows its own.
    let page_html = html
        .replace("script-src 'none'", "script-src 'unsafe-inline'")
        .replace("</body>", &format!("{PROBE}</body>"));
    let page = dir.join(format!("{name}.probe.html"));
    std::fs::write(&page, page_html).unwrap();
    let dom = run(
        bin,
        &page,
        &["--dump-dom".into(), "--virtual-time-budget=2000".into()],
    );
    let start = dom.find("PROBE[").expect("the probe ran") + "PROBE[".len();
    let end = dom.rfind("]PROBE").expect("the probe finished");
    let json = dom[start..end]
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe output {json}: {e}"))
}
