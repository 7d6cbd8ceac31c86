//! refresh-conformance: the command line. Each subcommand lives in `src/cli/`.

mod cli;

use clap::Parser;

fn main() {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`| head`) would
    // panic; a command-line tool should end quietly instead, as cat does.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    std::process::exit(cli::dispatch(args));
}
