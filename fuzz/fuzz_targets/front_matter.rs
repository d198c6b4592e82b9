//! `vigie::content::front_matter::split` on any text: no panic, and the
//! parts it returns are the slices of the file at the offsets it gives.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_split(&text);
});
