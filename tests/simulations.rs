//! Each project state is simulated once per run: `check` (human or markdown) walks the
//! flows of its one state once, `diff` those of its two states once each, and a fix is
//! verified by simulating the state it makes once. The reports, the fixes and the change
//! review read the analysis the rules were given.
//!
//! One test in its own binary: the count is per process, so no other test may run
//! beside it.

use clap::Parser;
use mralint::cli::Cli;
use mralint::mra::simulations;

/// How many simulations one command line runs.
fn simulations_of(args: &[&str], output: &std::path::Path) -> usize {
    let mut argv = vec!["mralint"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["--output-file", output.to_str().unwrap()]);
    let before = simulations();
    mralint::run(Cli::parse_from(argv));
    simulations() - before
}

#[test]
fn each_project_state_is_simulated_once() {
    let dir = std::env::temp_dir().join(format!("mralint-simulations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("out");
    let run = |args: &[&str]| {
        let _ = std::fs::remove_file(&output);
        simulations_of(args, &output)
    };
    // Findings no config change fixes: one state.
    let unfixable = "samples/mra-c-shares-e-public-address";
    assert_eq!(run(&["check", unfixable]), 1, "check, human output");
    assert_eq!(
        run(&["check", unfixable, "--format", "markdown"]),
        1,
        "check, markdown comment"
    );
    // MRA001 and MRA011 have a fix each, verified only on request: then the state as
    // given, and the state each fix makes.
    let sample = "samples/mra-single-nic-source-translated";
    assert_eq!(run(&["check", sample]), 1, "check of fixable findings");
    assert_eq!(
        run(&["check", sample, "--show-fixes"]),
        3,
        "check with two fixes to verify"
    );
    assert_eq!(
        run(&["check", sample, "--format", "markdown", "--show-fixes"]),
        3,
        "markdown comment with two fixes to verify"
    );
    // No selected rule reads flows, and nothing draws them: nothing is simulated.
    assert_eq!(
        run(&["check", sample, "--select", "ACL001"]),
        0,
        "check of a firewall-only rule"
    );
    // The comment draws every flow, whichever rules are selected.
    assert_eq!(
        run(&["check", sample, "--select", "ACL001", "--format", "markdown"]),
        1,
        "markdown comment of a firewall-only rule"
    );
    let old = "samples-diff/fix-seed/old";
    let new = "samples-diff/fix-seed/new";
    assert_eq!(run(&["diff", old, new]), 2, "diff: old and new");
    assert_eq!(
        run(&["diff", old, new, "--format", "markdown"]),
        2,
        "diff, markdown comment"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
