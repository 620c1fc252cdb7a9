//! Throughput and scaling of mralint on generated configurations (a release-mode bench
//! binary; `cargo bench --bench throughput`). For each size it reports parse, model build,
//! the simulation of every deployment flow, the ACL001 analysis and the whole `check`, as
//! time and MB/s, and the peak memory `check` adds to a process (measured in a child
//! process that does nothing else). Each size runs in its own child processes, on one
//! thread.
//!
//! ```text
//! cargo bench --bench throughput                       # 1k, 10k, 100k ACEs
//! cargo bench --bench throughput -- --sizes 1000,200000
//! cargo bench --bench throughput -- --write DIR        # write the generated configs
//! cargo bench --bench throughput -- --parse FILE       # parse time of one file
//! ```

mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SEED: u64 = 2026;

/// The median of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn peak_memory_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn write_inputs(dir: &Path, aces: usize) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let config = format!("asa-{aces}.cfg");
    std::fs::write(dir.join(&config), generate::config(aces, SEED)).unwrap();
    let deployment = dir.join(format!("bench-{aces}.deployment.yaml"));
    std::fs::write(&deployment, generate::deployment(&config)).unwrap();
    deployment
}

/// Measures one size; prints one tab-separated line for the parent.
fn measure(aces: usize) {
    let dir = std::env::temp_dir().join(format!("mralint-bench-{}", std::process::id()));
    let deployment = write_inputs(&dir, aces);
    let text = std::fs::read_to_string(dir.join(format!("asa-{aces}.cfg"))).unwrap();
    let megabytes = text.len() as f64 / 1e6;
    let runs = if aces >= 100_000 { 3 } else { 7 };
    let parse = time(runs, || mralint::syntax::parse_config(&text));
    let parsed = mralint::syntax::parse_config(&text);
    let model = time(runs, || mralint::model::build(&parsed.config));
    let projects =
        mralint::workspace::discover(std::slice::from_ref(&deployment), &|_| false).unwrap();
    let project = &projects[0];
    let flows = time(runs, || {
        mralint::rules::Context::new(project).traversal.len()
    });
    let acl001 = time(runs, || mralint::rules::unreachable_aces(project).len());
    let check = time(runs, || {
        let projects =
            mralint::workspace::discover(std::slice::from_ref(&deployment), &|_| false).unwrap();
        projects
            .iter()
            .map(|p| mralint::lint(p).len())
            .sum::<usize>()
    });
    let findings: usize = mralint::lint(project).len();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{aces}\t{megabytes:.2}\t{}\t{}\t{}\t{}\t{}\t{}\t{findings}",
        parse.as_secs_f64(),
        model.as_secs_f64(),
        flows.as_secs_f64(),
        acl001.as_secs_f64(),
        check.as_secs_f64(),
        peak_memory_kb()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let Some(i) = args.iter().position(|a| a == "--parse") {
        let text = std::fs::read_to_string(&args[i + 1]).expect("a config file");
        let parse = time(3, || mralint::syntax::parse_config(&text));
        println!("{:.4}", parse.as_secs_f64());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--memory") {
        // Only a check, as `mralint check` runs it: its peak memory.
        let aces: usize = args[i + 1].parse().expect("a size");
        let dir = std::env::temp_dir().join(format!("mralint-bench-memory-{}", std::process::id()));
        let deployment = write_inputs(&dir, aces);
        let baseline = peak_memory_kb();
        let projects =
            mralint::workspace::discover(std::slice::from_ref(&deployment), &|_| false).unwrap();
        let findings: usize = projects.iter().map(|p| mralint::lint(p).len()).sum();
        std::hint::black_box(findings);
        let _ = std::fs::remove_dir_all(&dir);
        println!("{}", peak_memory_kb().saturating_sub(baseline));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--one") {
        measure(args[i + 1].parse().expect("a size"));
        return;
    }
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .map(|i| {
            args[i + 1]
                .split(',')
                .map(|s| s.parse().expect("a size"))
                .collect()
        })
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let dir = PathBuf::from(&args[i + 1]);
        for &aces in &sizes {
            let deployment = write_inputs(&dir, aces);
            println!("{}", deployment.display());
        }
        return;
    }
    println!("| ACEs | file MB | parse ms | parse MB/s | model ms | flows ms | ACL001 ms | check ms | check MB/s | check peak MB | peak / file | findings |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut checks = Vec::new();
    for &aces in &sizes {
        let output = Command::new(std::env::current_exe().unwrap())
            .args(["--one", &aces.to_string()])
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .expect("the bench runs itself");
        let memory = Command::new(std::env::current_exe().unwrap())
            .args(["--memory", &aces.to_string()])
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .expect("the bench runs itself");
        let check_kb: f64 = String::from_utf8_lossy(&memory.stdout)
            .trim()
            .parse()
            .unwrap_or(0.0);
        let line = String::from_utf8_lossy(&output.stdout);
        let f: Vec<f64> = line
            .trim()
            .split('\t')
            .map(|v| v.parse().unwrap_or(0.0))
            .collect();
        if f.len() < 9 {
            eprintln!(
                "size {aces} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            continue;
        }
        let (mb, parse, model, flows, acl, check) = (f[1], f[2], f[3], f[4], f[5], f[6]);
        let peak_mb = check_kb / 1024.0;
        println!(
            "| {aces} | {mb:.2} | {:.1} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {peak_mb:.0} | {:.1}× | {} |",
            parse * 1e3,
            mb / parse,
            model * 1e3,
            flows * 1e3,
            acl * 1e3,
            check * 1e3,
            mb / check,
            peak_mb / mb,
            f[8]
        );
        checks.push((aces, check));
    }
    for pair in checks.windows(2) {
        let ((a, ta), (b, tb)) = (pair[0], pair[1]);
        println!(
            "\n`check` time grows {:.1}× from {a} to {b} ACEs ({}× the entries).",
            tb / ta,
            b / a
        );
    }
}
