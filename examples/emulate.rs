//! `cargo run --release --example emulate -- [emulate options]`: the emulated
//! IdP on its own, for the load bench until `refresh-conformance emulate` is wired.

use clap::Parser;
use refresh_conformance::emulator::cli::{run_emulate, EmulateArgs};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: EmulateArgs,
}

fn main() {
    std::process::exit(run_emulate(Cli::parse().args));
}
