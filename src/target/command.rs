//! The `command` grant source: an external program (a login script, a
//! headless browser, a CLI of the vendor) that prints the token endpoint's
//! JSON response on stdout.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

/// The placeholders a grant command's arguments may use.
pub(crate) const COMMAND_VARS: &[&str] = &[
    "client.id",
    "client.role",
    "scope",
    "issuer",
    "token_endpoint",
    "params",
    "dpop_proof",
];

/// The environment variable that carries a grant step's extra `params`
/// (e.g. a `nonce` for the authorization request) to the grant command, as an
/// `application/x-www-form-urlencoded` string (empty when there are none);
/// also available as the placeholder `{{params}}`.
pub(crate) const PARAMS_ENV: &str = "RC_GRANT_PARAMS";

/// The environment variable that carries, for a DPoP client, a proof for
/// `POST {{token_endpoint}}` made with the key the suite holds for the new
/// token family (RFC 9449 §4): the command sends it as the `DPoP` header of
/// its token request, so the family's tokens are bound to the suite's key.
/// Unset for other clients; also the placeholder `{{dpop_proof}}`.
pub(crate) const DPOP_PROOF_ENV: &str = "RC_DPOP_PROOF";

/// The values of [`COMMAND_VARS`] for one grant of `client` with `scope`.
pub(crate) fn command_vars(
    target: &super::Target,
    client: &super::Client,
    scope: &str,
) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("client.id".to_string(), client.id.clone()),
        ("client.role".to_string(), client.role.clone()),
        ("scope".to_string(), scope.to_string()),
        (
            "issuer".to_string(),
            target.endpoints.issuer.clone().unwrap_or_default(),
        ),
        ("token_endpoint".to_string(), target.endpoints.token.clone()),
        ("params".to_string(), String::new()),
        ("dpop_proof".to_string(), String::new()),
    ])
}

/// [`command_vars`] with a grant step's extra `params`, form-encoded.
pub(crate) fn command_vars_with_params(
    target: &super::Target,
    client: &super::Client,
    scope: &str,
    params: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut vars = command_vars(target, client, scope);
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    vars.insert("params".to_string(), encoded);
    vars
}

/// The placeholder names used in `arg` (`{{ name }}` → `name`).
pub(crate) fn placeholders(arg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = arg;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// Longest stderr excerpt put in an error (the caller redacts it).
const STDERR_EXCERPT: usize = 400;
/// Stdout larger than this is refused (and the command stopped).
const MAX_STDOUT: usize = 1 << 20;
/// The tail of stderr kept for the error message.
const STDERR_KEEP: usize = 64 * 1024;

/// Stdout up to [`MAX_STDOUT`]; `None` (after killing the command's process
/// group) as soon as it writes more.
async fn read_capped_stdout(
    mut r: tokio::process::ChildStdout,
    pid: Option<u32>,
) -> std::io::Result<Option<Vec<u8>>> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Ok(Some(buf));
        }
        if buf.len() + n > MAX_STDOUT {
            kill_group(pid);
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The last `keep` bytes of a stream, read to its end.
async fn read_tail(mut r: tokio::process::ChildStderr, keep: usize) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Ok(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 2 * keep {
            buf.drain(..buf.len() - keep);
        }
    }
}

/// SIGKILL the command's process group (it was started as its leader).
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid {
        // SAFETY: kill(2) with a negative pid signals that process group only.
        unsafe {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Replace `{{name}}` (spaces inside the braces allowed) with `vars[name]`.
/// An unknown placeholder is an error naming it.
pub(crate) fn substitute(arg: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = arg;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(format!("unclosed `{{{{` in command argument `{arg}`"));
        };
        let name = after[..end].trim();
        match vars.get(name) {
            Some(v) => out.push_str(v),
            None => {
                let known: Vec<String> = vars.keys().map(|k| format!("{{{{{k}}}}}")).collect();
                return Err(format!(
                    "unknown placeholder `{{{{{name}}}}}` in command argument `{arg}` (known: {})",
                    known.join(", ")
                ));
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The last `max` characters of `s`, on a char boundary, trimmed.
fn tail(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let skip = s.chars().count() - max;
    format!("…{}", s.chars().skip(skip).collect::<String>())
}

/// The grant step's `params` and, for a DPoP client, the suite's proof.
fn set_env(cmd: &mut tokio::process::Command, vars: &BTreeMap<String, String>) {
    cmd.env(
        PARAMS_ENV,
        vars.get("params").map(String::as_str).unwrap_or(""),
    );
    // Only the suite's proof, never one inherited from the caller's environment.
    match vars.get("dpop_proof").filter(|p| !p.is_empty()) {
        Some(proof) => cmd.env(DPOP_PROOF_ENV, proof),
        None => cmd.env_remove(DPOP_PROOF_ENV),
    };
}

/// Run a grant command: substitute `{{client.id}}`, `{{scope}}` and every
/// other key of `vars` in each argument, run the program with stdin closed,
/// kill it (and its process group) after `timeout`, require exit status 0
/// and parse stdout as the token endpoint's JSON response (an object).
///
/// Errors give the program, its exit status and a short stderr excerpt; they
/// never quote stdout (it holds tokens). The caller redacts the excerpt.
pub async fn run_grant_command(
    argv: &[String],
    vars: &BTreeMap<String, String>,
    timeout: Duration,
) -> Result<serde_json::Value, String> {
    let Some(program) = argv.first().filter(|p| !p.is_empty()) else {
        return Err("the grant command is empty".into());
    };
    let args: Vec<String> = argv[1..]
        .iter()
        .map(|a| substitute(a, vars))
        .collect::<Result<_, _>>()?;
    let mut cmd = tokio::process::Command::new(program);
    set_env(&mut cmd, vars);
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("grant command `{program}` could not be started: {e}"))?;
    let pid = child.id();
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(format!("grant command `{program}`: no output pipes"));
    };
    // Capped while reading: a command that writes without end is stopped at
    // the cap instead of filling memory; stderr keeps only its tail.
    let work = async {
        let (out, err) = tokio::join!(
            read_capped_stdout(stdout, pid),
            read_tail(stderr, STDERR_KEEP)
        );
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((out?, err?, status))
    };
    let (stdout, stderr, status) = match tokio::time::timeout(timeout, work).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => {
            kill_group(pid);
            return Err(format!(
                "grant command `{program}` failed while running: {e}"
            ));
        }
        Err(_) => {
            // The child itself is killed on drop; its own children share its process group.
            kill_group(pid);
            return Err(format!(
                "grant command `{program}` did not finish within {} and was killed",
                humantime::format_duration(timeout)
            ));
        }
    };
    let Some(stdout) = stdout else {
        return Err(format!(
            "grant command `{program}` printed more than 1 MiB on stdout and was stopped"
        ));
    };
    let output = std::process::Output {
        status,
        stdout,
        stderr,
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "termination by a signal".to_string(),
        };
        let excerpt = tail(&stderr, STDERR_EXCERPT);
        let excerpt = if excerpt.is_empty() {
            "no output on stderr".to_string()
        } else {
            format!("stderr: {excerpt}")
        };
        return Err(format!(
            "grant command `{program}` failed with {status}; {excerpt}"
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    if text.trim().is_empty() {
        return Err(format!("grant command `{program}` printed nothing on stdout; it must print the token endpoint's JSON response"));
    }
    match serde_json::from_str::<serde_json::Value>(text.trim()) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v),
        Ok(_) => Err(format!("grant command `{program}` printed JSON that is not an object; it must print the token endpoint's JSON response")),
        Err(e) => Err(format!(
            "grant command `{program}` printed {} bytes that are not JSON (line {}, column {}); it must print only the token endpoint's JSON response on stdout (send logs to stderr)",
            output.stdout.len(),
            e.line(),
            e.column()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("client.id".to_string(), "abc".to_string()),
            ("scope".to_string(), "openid offline_access".to_string()),
        ])
    }

    #[test]
    fn substitutes_placeholders() {
        assert_eq!(
            substitute("--client={{client.id}}", &vars()).unwrap(),
            "--client=abc"
        );
        assert_eq!(
            substitute("{{ scope }}|{{scope}}", &vars()).unwrap(),
            "openid offline_access|openid offline_access"
        );
        assert_eq!(substitute("plain", &vars()).unwrap(), "plain");
        let e = substitute("{{client.secret}}", &vars()).unwrap_err();
        assert!(e.contains("unknown placeholder `{{client.secret}}`"), "{e}");
        assert!(e.contains("{{client.id}}"), "{e}");
        assert!(substitute("{{scope", &vars())
            .unwrap_err()
            .contains("unclosed"));
    }

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(tail("  abc \n", 10), "abc");
        assert_eq!(tail("abcdef", 3), "…def");
    }
}
