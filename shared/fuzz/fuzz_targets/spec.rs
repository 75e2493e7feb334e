//! Any bytes as a form spec, in JSON and in TOML: reading and checking a
//! spec must never panic, only report problems.
#![no_main]

use embudo_shared::FormSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = FormSpec::from_json(text);
        let _ = FormSpec::from_toml(text);
    }
});
