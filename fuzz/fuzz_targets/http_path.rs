//! `vigie::serve::http::site_path` and `route` on any request target: a
//! returned path is relative with no `..`, backslash or NUL, and routing never
//! answers anything but a file of the in-memory site or a redirect to a page.
//! The first byte picks the method; the rest is the URL as tiny_http gives it.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

const METHODS: [&str; 4] = ["GET", "HEAD", "POST", "OPTIONS"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let method = METHODS[usize::from(first) % METHODS.len()];
    let url = String::from_utf8_lossy(rest);
    invariants::check_request(method, &url);
    // A request line always starts with `/` for origin-form targets: fuzz that shape too.
    invariants::check_request(method, &format!("/{url}"));
});
