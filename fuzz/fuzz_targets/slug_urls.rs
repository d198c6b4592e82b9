//! `vigie::content::parse::slugify` and `vigie::render::urls`: any title gives
//! a clean slug, and links built from it stay under any valid base URL. The
//! input is `base_url` and the title, separated by the first newline.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (base, title) = text.split_once('\n').unwrap_or(("https://status.example.fr/incidents/", &text));
    invariants::check_slug_and_urls(base, title);
});
