//! `mralint completions SHELL`.

use super::{print, EXIT_CLEAN};

/// `mralint completions SHELL`: the completion script, generated from the command line's
/// definition.
pub fn run(shell: clap_complete::Shell) -> u8 {
    use clap::CommandFactory;
    let mut command = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "mralint", &mut out);
    print(&String::from_utf8_lossy(&out)).unwrap_or(EXIT_CLEAN)
}
