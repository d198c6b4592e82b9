//! `vigie::content::markdown::Markdown` on any text: no panic, and without
//! `allow_html` no `<script>`, no `on*` attribute, no `javascript:` URL in
//! what a browser would parse.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    invariants::check_markdown(&text);
});
