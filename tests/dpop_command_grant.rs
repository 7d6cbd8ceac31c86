//! A DPoP client whose grant comes from a `command` grant source (a login
//! script doing its own token request): the suite hands the command a proof
//! by the new family's key in `RC_DPOP_PROOF`, the command sends it as its
//! `DPoP` header, and the family's tokens are bound to the key the suite
//! holds, so the `dpop/` scenarios pass against `refresh-conformance
//! emulate --profile rfc9449`. A command that leaves the header out gets no
//! grant there, and no trial passes.

mod live_support;

use live_support::*;
use std::collections::BTreeMap;
use std::path::Path;

fn target(dir: &Path, base: &str) -> String {
    let script = repo("tests/data/grant/dpop-password-grant.sh");
    let text = format!(
        r#"name = "dpop-command"
profile = "rfc9449"
issuer = "{base}"
emulator_control = true

[clients.main]
id = "post"
auth = "client_secret_post"
secret = {{ env = "LIVE_POST_SECRET" }}
dpop = true

[clients.main.grant]
kind = "command"
command = ["{script}", "{{{{token_endpoint}}}}", "{{{{client.id}}}}", "{{{{scope}}}}"]

[clients.public]
id = "public"
auth = "none"
dpop = true

[clients.public.grant]
kind = "command"
command = ["{script}", "{{{{token_endpoint}}}}", "{{{{client.id}}}}", "{{{{scope}}}}", "none"]
"#,
        script = script.display()
    );
    write_file(dir, "dpop-command.toml", &text)
}

fn env(send_dpop: bool) -> BTreeMap<String, String> {
    env_of(&[
        ("LIVE_POST_SECRET", "post-secret"),
        ("GRANT_CLIENT_SECRET", "post-secret"),
        ("GRANT_PASSWORD", "alice-password"),
        ("GRANT_SEND_DPOP", if send_dpop { "yes" } else { "no" }),
        ("NO_PROXY", "127.0.0.1,localhost"),
    ])
}

/// The `dpop/` verdicts of a run of the target with the command sending the
/// proof or not, and the run's console output.
fn dpop_verdicts(send_dpop: bool) -> (BTreeMap<String, (Verdict, String)>, String) {
    let emu = Emulator::start("rfc9449", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = target(dir.path(), &emu.base_url);
    let junit = dir.path().join("junit.xml");
    let out = cli(
        &[
            "run",
            "--target",
            &file,
            "--junit",
            junit.to_str().unwrap(),
            "dpop/",
        ],
        &env(send_dpop),
    );
    emu.stop();
    let all = junit_verdicts(&std::fs::read_to_string(&junit).unwrap_or_default());
    // The nonce scenarios need `dpop_nonce` stated; rfc9449 leaves it
    // unverified, so on this live target they are skipped, saying so.
    for nonce in ["nonce-challenge-answered", "bogus-nonce-refused"] {
        let v = all.get(&format!("dpop-command/dpop/{nonce}"));
        assert_eq!(v.map(|v| &v.0), Some(&Verdict::Skip), "{nonce}: {v:?}");
    }
    let dpop = all
        .into_iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("dpop-command/dpop/")
                .filter(|id| !id.contains("nonce"))
                .map(|id| (id.to_string(), v))
        })
        .collect();
    (dpop, out.both())
}

#[test]
fn a_command_sending_the_suites_proof_binds_the_family_to_the_suites_key() {
    let (verdicts, out) = dpop_verdicts(true);
    // The binding checks, on the public and the confidential client.
    for id in [
        "access-token-bound",
        "refresh-without-proof-refused",
        "refresh-with-other-key-refused",
        "confidential-client-new-key",
    ] {
        assert_eq!(
            verdicts.get(id).map(|v| &v.0),
            Some(&Verdict::Pass),
            "{id}: {verdicts:#?}\n{out}"
        );
    }
    assert_eq!(verdicts.len(), 8, "{verdicts:#?}");
    assert!(
        verdicts.values().all(|v| v.0 == Verdict::Pass),
        "{verdicts:#?}\n{out}"
    );
}

/// The rfc9449 emulator requires a proof on every token request of a DPoP
/// client: without the header the grant itself is refused, and each trial is
/// an error of the harness (the grant command), never a pass.
#[test]
fn a_command_leaving_the_proof_out_gets_no_grant_and_no_trial_passes() {
    let (verdicts, out) = dpop_verdicts(false);
    assert_eq!(verdicts.len(), 8, "{verdicts:#?}\n{out}");
    for (id, (verdict, message)) in &verdicts {
        assert_eq!(verdict, &Verdict::Error, "{id}: {message}\n{out}");
        assert!(
            message.contains("grant source command failed") && message.contains("400"),
            "{id}: {message}"
        );
    }
}
