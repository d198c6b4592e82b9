//! `vigie::content::parse::parse_incident` on any file text, against a
//! site.toml parsed by `SiteConfig::parse`: no panic, findings located inside
//! the file, valid incidents with a clean URL and safe HTML.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_split(&text);
    invariants::check_incident(&text);
});
