//! `sitemap.xml` and `robots.txt`, with full URLs from the base URL.

use super::urls::Urls;
use crate::archive::Archive;
use std::fmt::Write as _;

/// The sitemap of the given page directories (site-relative, e.g. `2016/`),
/// with each incident page's last change as `lastmod`.
pub fn sitemap(urls: &Urls, archive: &Archive<'_>, list_pages: &[String]) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in list_pages {
        let _ = writeln!(xml, "  <url><loc>{}</loc></url>", escape(&urls.absolute(page)));
    }
    for incident in archive.incidents {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>",
            escape(&urls.absolute(&incident.path)),
            super::format::exact_offset(&incident.last_change(archive.now)).to_rfc3339()
        );
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

/// A `robots.txt` allowing everything and naming the sitemap.
pub fn robots(urls: &Urls) -> Vec<u8> {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls.absolute("sitemap.xml")).into_bytes()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}
