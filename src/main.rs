use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(mralint::run(mralint::cli::Cli::parse()))
}
