//! The ASA parser and the model built from its AST, on any bytes: UTF-8 or not (a
//! config that is not UTF-8 is read as Latin-1, as `check` reads files).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mralint::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile::from_bytes("fuzz.cfg", data);
    let parsed = mralint::syntax::parse_config(&file.text);
    let _ = mralint::model::build(&parsed.config);
});
