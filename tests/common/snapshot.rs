//! [`exact`]: a text file framed so that an insta snapshot pins its exact bytes.
//!
//! insta compares text snapshots after normalising them: trailing whitespace
//! is trimmed, CRLF becomes LF, and an older format's leading newlines are
//! ignored. Framed between a header line giving the byte count and an end
//! marker, with `\r` refused, the text between the markers is compared as is:
//! one byte more, less or different fails the snapshot.

/// `name`'s bytes between a header and an end marker. Panics if they are not
/// UTF-8 or contain `\r` (insta would fold `\r\n` into `\n`).
#[track_caller]
pub fn exact(name: &str, bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name} is not UTF-8 text: {e}"));
    assert!(!text.contains('\r'), "{name} contains \\r, which an insta text snapshot cannot pin");
    format!("[{name}: {} bytes, exactly as from the next line to the end marker]\n{text}[end of {name}]", bytes.len())
}
