//! The whole of `mralint check` on a deployment and its configs, built in memory: every
//! rule, then every output format.
//!
//! Input: parts separated by NUL bytes (which no text file holds: `check` refuses files
//! with one). One part is a lone config. Otherwise the first part is `deployment.yaml`
//! and the others are the configs it names, in the order it names them; a config named
//! but not given cannot be read, as a missing file.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use mralint::source::SourceFile;
use mralint::workspace::{self, InputError, Project};

fn project(data: &[u8]) -> Project {
    let mut parts = data.split(|&b| b == 0);
    let first = parts.next().unwrap_or_default();
    let configs: Vec<&[u8]> = parts.collect();
    if configs.is_empty() {
        return workspace::config_project(SourceFile::from_bytes("asa.cfg", first));
    }
    // Two firewalls naming one file read the same part.
    let mut named: Vec<PathBuf> = Vec::new();
    workspace::deployment_project_with(Path::new("deployment.yaml"), first, |path| {
        let index = named.iter().position(|p| p == path).unwrap_or_else(|| {
            named.push(path.to_path_buf());
            named.len() - 1
        });
        configs
            .get(index)
            .map(|c| c.to_vec())
            .ok_or_else(|| InputError::Unreadable {
                path: path.display().to_string(),
                reason: "No such file or directory (os error 2)".into(),
            })
    })
}

fuzz_target!(|data: &[u8]| {
    let project = project(data);
    let findings = mralint::lint(&project);
    let sources = &project.sources;
    let _ = mralint::report::human::render(&findings, sources, false, 80);
    let _ = mralint::report::human::summary(&findings);
    let _ = mralint::report::json::render(&findings, sources);
    let parts = [(findings.as_slice(), sources)];
    let _ = mralint::report::github::render_all(&parts);
    let _ = mralint::report::sarif::render_all(&parts);
    let _ = mralint::report::markdown::check(
        &[(&project, findings.findings.as_slice(), &findings.analysis)],
        None,
    );
});
