//! refresh-conformance: the command line. Each subcommand lives in `src/cli/`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    std::process::exit(cli::dispatch(args));
}
