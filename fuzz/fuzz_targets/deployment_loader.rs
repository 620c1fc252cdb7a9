//! The deployment loader (YAML, then validation) on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mralint::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::from_bytes("deployment.yaml", data);
    let _ = mralint::deployment::load(&file.text);
});
