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
    if text.contains('\r') {
        // A file with CRLF line ends (iCalendar): pinned with LF, said so, and only if every line ends so.
        let lf = text.replace("\r\n", "\n");
        assert!(
            !lf.contains('\r'),
            "{name} has a \\r outside a CRLF line end, which an insta text snapshot cannot pin"
        );
        assert_eq!(lf.matches('\n').count(), text.matches("\r\n").count(), "{name} mixes LF and CRLF line ends");
        return format!(
            "[{name}: {} bytes, every line ending with CRLF, shown here as LF, from the next line to the end marker]\n{lf}[end of {name}]",
            bytes.len()
        );
    }
    format!("[{name}: {} bytes, exactly as from the next line to the end marker]\n{text}[end of {name}]", bytes.len())
}
