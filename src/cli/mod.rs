//! Subcommands. Exit codes (docs/outcomes.md): 0 clean, 1 failures,
//! 3 errors only, 2 usage or input error, 130/143 interrupted.

mod console;
mod list;
mod probe;
mod profiles;
mod reports;
mod run;
mod targets;
mod validate;

use clap::{Parser, Subcommand};

pub const EXIT_INPUT: i32 = 2;

#[derive(Parser, Debug)]
#[command(name = "refresh-conformance", version, about = "Conformance suite for identity providers' refresh-token behaviour", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run scenarios against targets (default: the built-in catalog on every built-in profile's emulator).
    Run(Box<run::RunArgs>),
    /// List scenarios: id, title, level, refs and `when`, grouped by area.
    List(list::ListArgs),
    /// Check scenario and target files without running anything.
    Validate(validate::ValidateArgs),
    /// List the built-in vendor profiles with their values and sources.
    Profiles(profiles::ProfilesArgs),
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Serve the emulated IdP on 127.0.0.1 until interrupted.
    Emulate(refresh_conformance::emulator::cli::EmulateArgs),
    /// Print a commented target file for a live tenant of this profile.
    Init(InitArgs),
    /// A few grants and refreshes against a target: the [behaviour] block of what they showed.
    Probe(probe::ProbeArgs),
}

pub fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Run(a) => run::run(*a),
        Command::List(a) => list::list(a),
        Command::Validate(a) => validate::validate(a),
        Command::Profiles(a) => profiles::profiles(a),
        Command::Emulate(a) => refresh_conformance::emulator::cli::run_emulate(a),
        Command::Init(a) => init(a),
        Command::Probe(a) => probe::probe(a),
        Command::Schema => {
            println!(
                "{}",
                refresh_conformance::scenario::schema::scenario_schema()
            );
            0
        }
    }
}

/// The scenarios a command runs or lists: the built-in catalog (unless left
/// out) and the user's folders, with `guarded_by` names checked against the
/// emulator's defects.
pub fn load_scenarios(
    with_builtin: bool,
    dirs: &[std::path::PathBuf],
) -> Result<Vec<refresh_conformance::scenario::Scenario>, Vec<String>> {
    use refresh_conformance::scenario::load;
    let scenarios = load::load_all(with_builtin, dirs)?;
    let problems = load::unknown_defects(&scenarios, &defect_names());
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(problems)
    }
}

/// The emulator's defect names.
pub fn defect_names() -> Vec<&'static str> {
    refresh_conformance::emulator::defects()
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// Print input errors (one per line) and return the input-error exit code.
pub fn input_errors(errors: &[String]) -> i32 {
    for e in errors {
        eprintln!("error: {e}");
    }
    EXIT_INPUT
}

pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration like 30s, 5m, 1h: {e}"))
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// A built-in profile (see `profiles`).
    #[arg(long)]
    pub profile: String,
}

fn init(a: InitArgs) -> i32 {
    match refresh_conformance::behaviour::builtin_profile(&a.profile) {
        Some(p) => {
            print!("{}", refresh_conformance::target::init::template(&p));
            0
        }
        None => {
            let known: Vec<String> = refresh_conformance::behaviour::builtin_profiles()
                .into_iter()
                .map(|p| p.name)
                .collect();
            input_errors(&[format!(
                "--profile {}: unknown profile (known: {})",
                a.profile,
                known.join(", ")
            )])
        }
    }
}
