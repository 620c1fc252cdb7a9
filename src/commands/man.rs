//! `mralint man`.

use super::{print, EXIT_CLEAN, EXIT_ERROR};

/// `mralint man`: the man page (roff), the subcommands' pages after the main one.
pub fn run() -> u8 {
    use clap::CommandFactory;
    let command = crate::cli::Cli::command();
    let mut out = Vec::new();
    if clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .is_err()
    {
        return EXIT_ERROR;
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name: &'static str = Box::leak(format!("mralint-{}", sub.get_name()).into_boxed_str());
        let page = sub.clone().name(name);
        if clap_mangen::Man::new(page).render(&mut out).is_err() {
            return EXIT_ERROR;
        }
    }
    print(&String::from_utf8_lossy(&out)).unwrap_or(EXIT_CLEAN)
}
