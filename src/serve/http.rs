//! Answers one HTTP request from the site held in memory: only GET and HEAD,
//! `index.html` for folders, a redirect from `/dir` to `/dir/`, the site's
//! `404.html` with status 404, and the right `Content-Type`. A path that
//! tries to leave the site is a 404; nothing is ever read from disk.

use crate::output::Output;
use percent_encoding::percent_decode_str;

/// What to answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A file of the site, with its path in the output.
    File(String),
    /// A redirect to this location.
    Redirect(String),
    /// Not found (the 404 page is served with it when the site has one).
    NotFound,
    /// The method is not GET or HEAD.
    MethodNotAllowed,
}

/// Decides the answer to `method` on `url` (path and optional query).
pub fn route(method: &str, url: &str, site: &Output) -> Answer {
    if method != "GET" && method != "HEAD" {
        return Answer::MethodNotAllowed;
    }
    let Some(path) = site_path(url) else { return Answer::NotFound };
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return if site.get(&index).is_some() { Answer::File(index) } else { Answer::NotFound };
    }
    if site.get(&path).is_some() {
        return Answer::File(path);
    }
    if site.get(&format!("{path}/index.html")).is_some() {
        let raw_path = url.split(['?', '#']).next().unwrap_or(url);
        return Answer::Redirect(format!("{raw_path}/"));
    }
    Answer::NotFound
}

/// The site-relative path a URL asks for, or `None` when it tries to leave
/// the site or is malformed: `..` or `.` segments (plain or encoded),
/// encoded slashes or backslashes, backslashes, NUL, invalid UTF-8.
pub fn site_path(url: &str) -> Option<String> {
    let raw = url.split(['?', '#']).next().unwrap_or(url);
    let raw = raw.strip_prefix('/')?;
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") || raw.contains('\\') {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let mut segments = decoded.split('/').peekable();
    let mut clean = Vec::new();
    while let Some(segment) = segments.next() {
        let last = segments.peek().is_none();
        if segment == "." || segment == ".." || segment.contains(['\0', '\\']) || segment.chars().any(char::is_control)
        {
            return None;
        }
        if segment.is_empty() && !last {
            return None; // `//` inside a path, or an absolute path after the first slash
        }
        clean.push(segment);
    }
    if clean.first().is_some_and(|s| s.contains(':')) {
        return None; // a drive letter or scheme such as C: or file:
    }
    Some(clean.join("/"))
}

/// Longest request target answered (the site's own paths are far shorter).
pub(crate) const MAX_URL_BYTES: usize = 8 * 1024;
/// Most header bytes a request may carry.
pub(crate) const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Most headers a request may carry.
pub(crate) const MAX_HEADERS: usize = 100;

/// The 4xx status for a request that tiny_http accepts but that is too large
/// or malformed: 414 for a URL over [`MAX_URL_BYTES`], 431 for headers over
/// [`MAX_HEADERS`] or [`MAX_HEADER_BYTES`], 400 for a `Content-Length` that
/// is not a number.
pub(crate) fn refusal(url: &str, headers: &[tiny_http::Header]) -> Option<u16> {
    if url.len() > MAX_URL_BYTES {
        return Some(414);
    }
    let bytes: usize = headers.iter().map(|h| h.field.as_str().as_str().len() + h.value.as_str().len() + 4).sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Some(431);
    }
    let bad_length =
        |h: &tiny_http::Header| h.field.equiv("Content-Length") && h.value.as_str().parse::<u64>().is_err();
    headers.iter().any(bad_length).then_some(400)
}

/// The `Content-Type` for a file of the site.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    if path.ends_with("atom.xml") {
        return "application/atom+xml; charset=utf-8";
    }
    if path.ends_with("rss.xml") {
        return "application/rss+xml; charset=utf-8";
    }
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Output {
        let mut o = Output::default();
        for p in ["index.html", "2016/index.html", "style.css", "atom.xml", "services/mail/rss.xml", "404.html"] {
            o.insert(p, b"x".to_vec());
        }
        o
    }

    #[test]
    fn routes_files_folders_and_redirects() {
        let s = site();
        assert_eq!(route("GET", "/", &s), Answer::File("index.html".into()));
        assert_eq!(route("HEAD", "/2016/?x=1", &s), Answer::File("2016/index.html".into()));
        assert_eq!(route("GET", "/2016", &s), Answer::Redirect("/2016/".into()));
        assert_eq!(route("GET", "/style.css", &s), Answer::File("style.css".into()));
        assert_eq!(route("GET", "/nope/", &s), Answer::NotFound);
        assert_eq!(route("POST", "/", &s), Answer::MethodNotAllowed);
        assert_eq!(route("DELETE", "/style.css", &s), Answer::MethodNotAllowed);
    }

    #[test]
    fn refuses_every_way_out_of_the_site() {
        for url in [
            "/../etc/passwd",
            "/2016/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc",
            "/..%5c..%5cwindows",
            "/..\\etc",
            "//etc/passwd",
            "/a//b",
            "/C:/windows",
            "/style.css%00.html",
            "/./style.css",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(url), None, "{url} must be refused");
        }
    }

    #[test]
    fn decodes_ordinary_paths() {
        assert_eq!(site_path("/2016/11/22/panne/").as_deref(), Some("2016/11/22/panne/"));
        assert_eq!(site_path("/caf%C3%A9.html").as_deref(), Some("café.html"));
        assert_eq!(site_path("/").as_deref(), Some(""));
    }

    #[test]
    fn feeds_and_pages_have_their_types() {
        assert_eq!(content_type("atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("services/mail/rss.xml"), "application/rss+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("cal.ics"), "text/calendar; charset=utf-8");
    }
}
