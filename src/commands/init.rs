//! `mralint init`: writes a deployment file from the Expressways' xConfiguration dumps
//! ([`crate::init`] builds its text), keeps what `--update` keeps, and loads the written
//! file back to check it.

use std::path::{Path, PathBuf};

use super::{output_width, print, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::{InitArgs, SystemSize};
use crate::finding::Finding;
use crate::init::InitError;
use crate::report;
use crate::workspace::{self, Project};

/// What an existing deployment file holds that `init --update` keeps: the dumps it lists,
/// its firewalls' configs, its `dns` entries and Expressway-E's size (paths as seen from
/// the working directory).
struct Kept {
    dumps: Vec<PathBuf>,
    firewalls: Vec<PathBuf>,
    dns: Vec<String>,
    size: Option<crate::deployment::Size>,
}

fn kept(path: &Path) -> Result<Kept, InitError> {
    let bytes =
        crate::fsio::read_capped(path, crate::fsio::DEFAULT_MAX_FILE_SIZE).map_err(|error| {
            InitError::Unreadable {
                path: path.to_path_buf(),
                error,
            }
        })?;
    let text = String::from_utf8_lossy(&bytes);
    let file: crate::deployment::file::DeploymentFile =
        serde_saphyr::from_str(&text).map_err(|e| InitError::NotADeploymentFile {
            path: path.to_path_buf(),
            reason: e.to_string().lines().next().unwrap_or_default().to_string(),
        })?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let at = |p: &str| folder.join(p);
    Ok(Kept {
        dumps: file
            .expressway_c
            .xconfig
            .iter()
            .chain(&file.expressway_e.xconfig)
            .map(|d| at(&d.value))
            .collect(),
        firewalls: file.firewalls.iter().map(|f| at(&f.config.value)).collect(),
        dns: file
            .dns
            .iter()
            .map(|(name, address)| format!("{name}={}", address.value))
            .collect(),
        size: file.expressway_e.size.map(|s| s.value),
    })
}

pub fn run(args: &InitArgs) -> u8 {
    let to_stdout = args.output.as_os_str() == "-";
    let exists = !to_stdout && std::fs::symlink_metadata(&args.output).is_ok();
    // Anything at the path, a dangling link included, is kept unless --force or --update.
    if exists && !args.force && !args.update {
        eprintln!(
            "error: `{}` exists: pass --update to rewrite it keeping its firewalls, dns and size (the flags given now are added), --force to overwrite it, or --output another file",
            args.output.display()
        );
        return EXIT_ERROR;
    }
    let kept = if args.update && exists {
        match kept(&args.output) {
            Ok(kept) => Some(kept),
            Err(error) => {
                eprintln!("error: {}", crate::escape::terminal(&error.to_string()));
                return EXIT_ERROR;
            }
        }
    } else {
        None
    };
    if args.xconfig.is_empty() && kept.is_none() {
        eprintln!("error: --xconfig FILE... is required (--update needs an existing --output file that lists its dumps)");
        return EXIT_ERROR;
    }
    let output_dir = match args.output.parent() {
        Some(dir) if !to_stdout && !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let size = args.size.map(|s| match s {
        SystemSize::Small => crate::deployment::Size::Small,
        SystemSize::Medium => crate::deployment::Size::Medium,
        SystemSize::Large => crate::deployment::Size::Large,
    });
    let (dumps, firewalls, dns, size) = match &kept {
        None => (
            args.xconfig.clone(),
            args.firewall.clone(),
            args.dns.clone(),
            size,
        ),
        Some(kept) => {
            let dumps = if args.xconfig.is_empty() {
                kept.dumps.clone()
            } else {
                args.xconfig.clone()
            };
            let mut firewalls = kept.firewalls.clone();
            for firewall in &args.firewall {
                let same = |f: &PathBuf| {
                    crate::source::normalize_path(f) == crate::source::normalize_path(firewall)
                };
                if !firewalls.iter().any(same) {
                    firewalls.push(firewall.clone());
                }
            }
            // A name given now replaces the file's answer for it.
            let given: Vec<String> = args
                .dns
                .iter()
                .filter_map(|d| {
                    d.split_once('=')
                        .map(|(n, _)| n.trim().to_ascii_lowercase())
                })
                .collect();
            let mut dns: Vec<String> = kept
                .dns
                .iter()
                .filter(|d| {
                    d.split_once('=')
                        .is_none_or(|(n, _)| !given.contains(&n.trim().to_ascii_lowercase()))
                })
                .cloned()
                .collect();
            dns.extend(args.dns.iter().cloned());
            (dumps, firewalls, dns, size.or(kept.size))
        }
    };
    let request = crate::init::Request {
        dumps,
        firewalls,
        dns,
        size,
        output_dir,
    };
    // Dumps and configs are read as given, capped like every input.
    let mut read = |path: &Path| crate::fsio::read_capped(path, crate::fsio::DEFAULT_MAX_FILE_SIZE);
    let written = match crate::init::deployment(&request, &mut read) {
        Ok(written) => written,
        Err(error) => {
            eprintln!("error: {}", crate::escape::terminal(&error.to_string()));
            return EXIT_ERROR;
        }
    };
    // What init says about the dumps quotes their text.
    for role in &written.roles {
        eprintln!("{}", crate::escape::terminal(role));
    }
    if to_stdout {
        if let Some(failed) = print(&written.text) {
            return failed;
        }
    } else if let Err(error) = crate::fsio::write_new(
        &args.output,
        written.text.as_bytes(),
        args.force || args.update,
    ) {
        eprintln!("error: {error}");
        return EXIT_ERROR;
    }
    for missing in &written.missing {
        eprintln!("missing: {}", crate::escape::terminal(missing));
    }
    if !written.missing.is_empty() {
        return EXIT_FINDINGS;
    }
    if !to_stdout {
        // The file must load back as written: no finding about the deployment itself.
        let projects = workspace::discover(std::slice::from_ref(&args.output), &|_| false);
        let problems: Vec<(Vec<Finding>, Project)> = projects
            .into_iter()
            .flatten()
            .map(|p| {
                let dep: Vec<Finding> = crate::rules::run(&p)
                    .into_iter()
                    .filter(|f| f.code.starts_with("DEP"))
                    .collect();
                (dep, p)
            })
            .filter(|(f, _)| !f.is_empty())
            .collect();
        if !problems.is_empty() {
            for (findings, project) in &problems {
                eprint!(
                    "{}",
                    report::human::render(findings, &project.sources, false, output_width(None))
                );
            }
            return EXIT_FINDINGS;
        }
        eprintln!(
            "wrote {}: lint it with `mralint check {}`",
            args.output.display(),
            args.output.display()
        );
    }
    EXIT_CLEAN
}
