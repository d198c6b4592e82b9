//! Links in a post's Markdown, and which of them point at an incident page
//! of the site (`/2016/11/22/slug/`, relative or under `base_url`), for
//! `vigie check`'s dead link warning.

use comrak::nodes::NodeValue;
use comrak::{parse_document, Arena, Options};
use url::Url;

/// A link target as written, and where it is in the Markdown text
/// (1-based line, and column in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The target, as written.
    pub url: String,
    /// 1-based line in the Markdown text.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

/// Every link of a Markdown text (inline, reference and autolinks).
pub(crate) fn links_in(markdown: &str) -> Vec<Link> {
    let mut options = Options::default();
    // The extensions of the site's renderer that make links.
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.footnotes = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.parse.sourcepos_chars = true;
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    let mut links = Vec::new();
    for node in root.descendants() {
        let data = node.data();
        if let NodeValue::Link(link) = &data.value {
            let start = data.sourcepos.start;
            links.push(Link { url: link.url.clone(), line: start.line, col: start.column });
        }
    }
    links
}

/// The site-relative path (`2016/11/22/slug/`) of the incident page that
/// `link`, found on the page at `page`, points at; `None` when it points
/// outside the site or at something that is not shaped like an incident page.
pub(crate) fn incident_target(base: &Url, page: &Url, link: &str) -> Option<String> {
    let target = page.join(link.trim()).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    let rest = target.path().strip_prefix(base.path())?;
    let rest = rest.strip_suffix("index.html").unwrap_or(rest);
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match segments.as_slice() {
        [year, month, day, slug] if digits(year, 4) && digits(month, 2) && digits(day, 2) && !slug.is_empty() => {
            Some(format!("{year}/{month}/{day}/{slug}/"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_reference_and_autolinks_with_positions() {
        let text = "# T\n\nVoir [la panne](/2016/11/22/panne/) et [celle-ci][r].\n\nhttps://ex.fr/a\n\n[r]: ../../x/\n";
        let links = links_in(text);
        let urls: Vec<_> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["/2016/11/22/panne/", "../../x/", "https://ex.fr/a"]);
        assert_eq!((links[0].line, links[0].col), (3, 6));
        assert_eq!((links[2].line, links[2].col), (5, 1));
    }

    #[test]
    fn only_incident_pages_inside_the_site_are_targets() {
        let base = Url::parse("https://ex.fr/incidents/").expect("url");
        let page = base.join("2024/09/23/voip/").expect("url");
        let target = |link: &str| incident_target(&base, &page, link);
        assert_eq!(target("/incidents/2016/11/22/panne/").as_deref(), Some("2016/11/22/panne/"));
        assert_eq!(target("https://ex.fr/incidents/2016/11/22/panne").as_deref(), Some("2016/11/22/panne/"));
        assert_eq!(target("../../../../2016/11/22/panne/index.html#x").as_deref(), Some("2016/11/22/panne/"));
        assert_eq!(target("/2016/11/22/panne/"), None, "outside the sub-path");
        assert_eq!(target("https://other.fr/incidents/2016/11/22/panne/"), None);
        assert_eq!(target("/incidents/services/mail/"), None);
        assert_eq!(target("/incidents/2016/"), None);
        assert_eq!(target("mailto:a@ex.fr"), None);
        assert_eq!(target("#cause").as_deref(), Some("2024/09/23/voip/"), "the page itself");
    }
}
