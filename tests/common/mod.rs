//! What the command-line test binaries share: running the built `mralint`.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `mralint` with `args` in `dir`, without colour.
pub fn mralint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mralint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("mralint runs")
}
