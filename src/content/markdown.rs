//! Markdown → HTML with comrak, GitHub flavour, options in one place. Raw
//! HTML is escaped and dangerous link schemes (`javascript:`…) dropped
//! unless the site opts in with `allow_html = true`.

use comrak::{markdown_to_html, Options};

/// A configured Markdown renderer.
pub struct Markdown {
    options: Options<'static>,
}

impl Markdown {
    /// A renderer; `allow_html` keeps raw HTML as is.
    pub fn new(allow_html: bool) -> Self {
        let mut options = Options::default();
        options.extension.strikethrough = true;
        options.extension.table = true;
        options.extension.autolink = true;
        options.extension.tasklist = true;
        options.extension.footnotes = true;
        options.render.r#unsafe = allow_html;
        options.render.escape = !allow_html;
        Markdown { options }
    }

    /// Renders a Markdown text to HTML.
    pub fn render(&self, text: &str) -> String {
        markdown_to_html(text, &self.options)
    }
}

/// The part of a body before its `<!-- more -->` marker, if it has one.
pub fn summary_part(body: &str) -> Option<&str> {
    ["<!-- more -->", "<!--more-->"].iter().find_map(|marker| body.find(marker).map(|i| &body[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_by_default() {
        let html = Markdown::new(false).render("<script>alert(1)</script>\n\n[x](javascript:alert(1))");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn raw_html_is_kept_on_opt_in() {
        let html = Markdown::new(true).render("<b>x</b>");
        assert!(html.contains("<b>x</b>"), "{html}");
    }

    #[test]
    fn github_extensions_are_on() {
        let html = Markdown::new(false).render("| a |\n|---|\n| b |\n\n~~x~~ https://example.org");
        assert!(html.contains("<table>") && html.contains("<del>x</del>"), "{html}");
        assert!(html.contains("<a href=\"https://example.org\">"), "{html}");
    }

    #[test]
    fn summary_stops_at_marker() {
        assert_eq!(summary_part("a\n<!-- more -->\nb"), Some("a\n"));
        assert_eq!(summary_part("a\n<!--more-->b"), Some("a\n"));
        assert_eq!(summary_part("a b"), None);
    }
}
