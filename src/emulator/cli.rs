//! `refresh-conformance emulate`: run the emulated IdP in the foreground.

use super::{default_clients, defects, start, EmulatorConfig, DEFAULT_USER};
use crate::behaviour::{builtin_profile, builtin_profiles, Profile};
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct EmulateArgs {
    /// Built-in profile name, or the path of a profile file.
    #[arg(long, default_value = "okta")]
    pub profile: String,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Inject a defect (repeatable); see --list-defects.
    #[arg(long = "defect", value_name = "NAME")]
    pub defects: Vec<String>,
    /// TOML file of clients and users replacing the defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the known defects, one per line, and exit.
    #[arg(long)]
    pub list_defects: bool,
}

/// Run until Ctrl-C. Exit code: 0 after Ctrl-C or --list-defects, 2 for bad
/// input (unknown profile or defect, bad config), 1 when serving fails.
pub fn run_emulate(args: EmulateArgs) -> i32 {
    if args.list_defects {
        for (name, description) in defects() {
            println!("{name:<34} {description}");
        }
        return 0;
    }
    // Credentials from --config are the user's: the banner does not print them.
    let from_file = args.config.is_some();
    let config = match build_config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(async move {
        let banner = describe(&config, !from_file);
        let handle = match start(config, args.port).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        println!("{}", banner.replace("{BASE}", &handle.base_url));
        match tokio::signal::ctrl_c().await {
            Ok(()) => {
                eprintln!("stopped");
                0
            }
            Err(e) => {
                eprintln!("error: cannot wait for Ctrl-C: {e}");
                1
            }
        }
    })
}

fn build_config(args: &EmulateArgs) -> anyhow::Result<EmulatorConfig> {
    let profile = load_profile(&args.profile)?;
    let (user, password) = DEFAULT_USER;
    let mut clients = default_clients();
    let mut users = vec![(user.to_string(), password.to_string())];
    let mut token_bytes = None;
    if let Some(path) = &args.config {
        let loaded = super::config_file::load(path)?;
        clients = loaded.clients.unwrap_or(clients);
        users = loaded.users.unwrap_or(users);
        token_bytes = loaded.token_bytes;
    }
    Ok(EmulatorConfig {
        profile,
        clients,
        users,
        defects: args.defects.clone(),
        token_bytes,
    })
}

fn load_profile(name: &str) -> anyhow::Result<Profile> {
    if let Some(p) = builtin_profile(name) {
        return Ok(p);
    }
    let path = std::path::Path::new(name);
    // Anything that exists is read as a file, so a FIFO or a device gets
    // "only regular files are read" rather than "unknown profile".
    if path.exists() {
        let text = crate::doc::read::read_text_capped(path, crate::doc::read::MAX_USER_FILE)
            .map_err(|e| anyhow::anyhow!(e))?;
        return Profile::parse(&path.display().to_string(), &text).map_err(|e| anyhow::anyhow!(e));
    }
    let known: Vec<String> = builtin_profiles().into_iter().map(|p| p.name).collect();
    anyhow::bail!(
        "unknown profile `{name}` (built-in: {}; or give a profile file)",
        known.join(", ")
    )
}

/// The start banner; `{BASE}` is replaced by the base URL once bound.
/// `show_credentials`: print the documented default test credentials; for
/// clients and users from `--config` only say where they come from.
fn describe(config: &EmulatorConfig, show_credentials: bool) -> String {
    let mut out = String::new();
    let p = &config.profile;
    out.push_str(&format!(
        "refresh-conformance emulator: profile `{}` ({})\n",
        p.name, p.title
    ));
    if !config.defects.is_empty() {
        out.push_str(&format!("defects: {}\n", config.defects.join(", ")));
    }
    out.push_str("issuer / base URL: {BASE}\n\nendpoints:\n");
    for (what, path) in [
        ("discovery", "/.well-known/openid-configuration"),
        ("token", "/oauth2/token"),
        ("authorize", "/oauth2/authorize"),
        ("revocation", "/oauth2/revoke"),
        ("introspection", "/oauth2/introspect"),
        ("jwks", "/oauth2/jwks"),
        ("virtual clock", "/_emulator/advance"),
    ] {
        out.push_str(&format!("  {what:<14} {{BASE}}{path}\n"));
    }
    out.push_str("\nclients (documented TEST credentials):\n");
    for c in &config.clients {
        let cred = match (&c.secret, &c.public_key_pem) {
            (Some(_), _) if !show_credentials => "secret from --config".into(),
            (Some(s), _) => format!("secret {s}"),
            (None, Some(_)) if c.id == "jwt" && show_credentials => {
                "key keys/jwt-client.test-only.pem (ES256, kid jwt-test-only)".into()
            }
            (None, Some(_)) => "registered public key".into(),
            _ => "no secret (public)".into(),
        };
        out.push_str(&format!(
            "  {:<8} id {:<10} {:<20} {cred}\n",
            c.role,
            c.id,
            c.auth.as_str()
        ));
    }
    out.push_str("\nusers:\n");
    for (u, pw) in &config.users {
        if show_credentials {
            out.push_str(&format!("  {u} / {pw}\n"));
        } else {
            out.push_str(&format!("  {u} (password from --config)\n"));
        }
    }
    out.push_str(
        "\nvirtual clock: POST {BASE}/_emulator/advance  {\"tokens\": [\"<access or refresh token>\"], \"seconds\": N}\n\
         \x20 advances every token family those tokens belong to; answers {\"advanced\": <families>}\n\
         \nnon-interactive authorize (302 to redirect_uri with code and state):\n\
         \x20 GET {BASE}/oauth2/authorize?response_type=code&client_id=public&redirect_uri=http://127.0.0.1/callback\n\
         \x20     &scope=openid%20offline_access&state=S&nonce=N&code_challenge=C&code_challenge_method=S256\n\
         \x20     &username=alice&password=alice-password\n\
         \nCtrl-C stops the emulator.",
    );
    out
}
