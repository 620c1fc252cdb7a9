//! Throughput and scaling of mralint on generated configurations (a release-mode bench
//! binary; `cargo bench --bench throughput`). For every shape of `generate::Shape` and
//! every size it reports parse, model build, the simulation of every deployment flow, the
//! ACL001 and NAT001 analyses, the human rendering, and the whole `check` as a user runs
//! it (`--format human` and `--format json`), with the peak memory of that run against the
//! size of its input. Every measurement runs in a child process of its own, on one thread.
//!
//! ```text
//! cargo bench --bench throughput                            # every shape, 10k and 100k
//! cargo bench --bench throughput -- --sizes 1000,10000 --shapes b,c
//! cargo bench --bench throughput -- --write DIR             # write the generated inputs
//! cargo bench --bench throughput -- --parse FILE            # parse time of one file
//! ```

mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generate::Shape;

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

/// Writes one shape at one size into `dir`: the config and the deployments naming it.
/// Gives the first deployment and the total input size in bytes.
fn write_inputs(dir: &Path, shape: Shape, aces: usize) -> (PathBuf, usize) {
    std::fs::create_dir_all(dir).unwrap();
    let config = "asa.cfg";
    let text = shape.config(aces, SEED);
    std::fs::write(dir.join(config), &text).unwrap();
    let mut bytes = text.len();
    let mut first = None;
    for d in 0..shape.deployments() {
        let path = dir.join(format!("site{d}.deployment.yaml"));
        let yaml = generate::deployment(config);
        bytes += yaml.len();
        std::fs::write(&path, yaml).unwrap();
        first.get_or_insert(path);
    }
    (first.unwrap(), bytes)
}

fn scratch(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mralint-bench-{label}-{}", std::process::id()))
}

/// The stages of one shape and size, in process; one tab-separated line for the parent.
fn stages(shape: Shape, aces: usize) {
    let dir = scratch("stages");
    let (deployment, _) = write_inputs(&dir, shape, aces);
    let text = std::fs::read_to_string(dir.join("asa.cfg")).unwrap();
    let runs = if aces >= 100_000 { 3 } else { 5 };
    let parse = time(runs, || mralint::syntax::parse_config(&text));
    let parsed = mralint::syntax::parse_config(&text);
    let model = time(runs, || mralint::model::build(&parsed.config));
    drop(parsed);
    let projects =
        mralint::workspace::discover(std::slice::from_ref(&deployment), &|_| false).unwrap();
    let project = &projects[0];
    let only = |code: &'static str| move |c: &str| c == code;
    let flows = time(runs, || mralint::mra::Analysis::of(project).traversal.len());
    let acl001 = time(runs, || {
        mralint::rules::run_selected(project, &only("ACL001")).len()
    });
    let nat001 = time(runs, || {
        mralint::rules::run_selected(project, &only("NAT001")).len()
    });
    let findings = mralint::lint(project);
    let render = time(runs, || {
        mralint::report::human::render(&findings, &project.sources, false, 100).len()
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        parse.as_secs_f64(),
        model.as_secs_f64(),
        flows.as_secs_f64(),
        acl001.as_secs_f64(),
        nat001.as_secs_f64(),
        render.as_secs_f64(),
        findings.len()
    );
}

/// One whole `mralint check DIR --format FORMAT`, as the command line runs it; prints its
/// wall time and peak memory (kB).
fn check(dir: &Path, format: &str) {
    let out = dir.join(format!("report.{format}"));
    let args = [
        "mralint",
        "check",
        dir.to_str().unwrap(),
        "--format",
        format,
        "--output-file",
        out.to_str().unwrap(),
    ];
    use clap::Parser;
    let start = Instant::now();
    let code = mralint::run(mralint::cli::Cli::parse_from(args));
    let elapsed = start.elapsed();
    std::hint::black_box(code);
    println!("{}\t{}", elapsed.as_secs_f64(), peak_memory_kb());
}

fn child(args: &[String]) -> Vec<f64> {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("the bench runs itself");
    if !output.status.success() {
        eprintln!(
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .split('\t')
        .map(|v| v.parse().unwrap_or(f64::NAN))
        .collect()
}

/// The median of `runs` whole checks: (seconds, peak kB).
fn whole_check(dir: &Path, format: &str, runs: usize) -> (f64, f64) {
    let mut results: Vec<(f64, f64)> = (0..runs)
        .map(|_| {
            let f = child(&["--check".into(), dir.display().to_string(), format.into()]);
            (f[0], f.get(1).copied().unwrap_or(f64::NAN))
        })
        .collect();
    results.sort_by(|a, b| a.0.total_cmp(&b.0));
    results[results.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    if let Some(file) = arg("--parse") {
        let text = std::fs::read_to_string(file).expect("a config file");
        let parse = time(3, || mralint::syntax::parse_config(&text));
        println!("{:.4}", parse.as_secs_f64());
        return;
    }
    if let Some(dir) = arg("--check") {
        check(Path::new(dir), &args[args.len() - 1]);
        return;
    }
    if let Some(shape) = arg("--stages") {
        let shape = Shape::parse(shape).expect("a shape");
        stages(shape, args[args.len() - 1].parse().expect("a size"));
        return;
    }
    let sizes: Vec<usize> = arg("--sizes")
        .map(|s| s.split(',').map(|s| s.parse().expect("a size")).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let shapes: Vec<Shape> = arg("--shapes")
        .map(|s| {
            s.split(',')
                .map(|s| Shape::parse(s).expect("a shape: a, b, c, d, e or f"))
                .collect()
        })
        .unwrap_or_else(|| Shape::ALL.to_vec());
    if let Some(dir) = arg("--write") {
        for &shape in &shapes {
            for &aces in &sizes {
                let dir = PathBuf::from(dir).join(format!("{}-{aces}", shape.name()));
                write_inputs(&dir, shape, aces);
                println!("{}", dir.display());
            }
        }
        return;
    }
    println!("| shape | ACEs | input MB | parse ms | parse MB/s | model ms | flows ms | ACL001 ms | NAT001 ms | render ms | findings | check human ms | check json ms | peak MB | peak / input |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut growth = Vec::new();
    for &shape in &shapes {
        let mut checks = Vec::new();
        for &aces in &sizes {
            let s = child(&["--stages".into(), shape.name().into(), aces.to_string()]);
            let dir = scratch(&format!("{}-{aces}", shape.name()));
            let (_, bytes) = write_inputs(&dir, shape, aces);
            let runs = if aces >= 100_000 { 3 } else { 5 };
            let (human, peak_kb) = whole_check(&dir, "human", runs);
            let (json, _) = whole_check(&dir, "json", runs);
            let _ = std::fs::remove_dir_all(&dir);
            let mb = bytes as f64 / 1e6;
            let config_mb = shape.config(aces, SEED).len() as f64 / 1e6;
            let peak_mb = peak_kb / 1024.0;
            println!(
                "| {} | {aces} | {mb:.2} | {:.1} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {peak_mb:.0} | {:.1}× |",
                shape.name(),
                s[0] * 1e3,
                config_mb / s[0],
                s[1] * 1e3,
                s[2] * 1e3,
                s[3] * 1e3,
                s[4] * 1e3,
                s[5] * 1e3,
                s[6],
                human * 1e3,
                json * 1e3,
                peak_mb / mb,
            );
            checks.push((aces, human));
        }
        for pair in checks.windows(2) {
            let ((a, ta), (b, tb)) = (pair[0], pair[1]);
            growth.push(format!(
                "{}: `check` grows {:.1}× from {a} to {b} ACEs ({}× the entries)",
                shape.name(),
                tb / ta,
                b / a
            ));
        }
    }
    println!();
    for line in growth {
        println!("- {line}");
    }
}
