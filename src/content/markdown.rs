//! Stage 2 (parse): Markdown → HTML with comrak, GitHub flavour, options in one place. Raw
//! HTML is escaped and dangerous link schemes (`javascript:`…) dropped
//! unless the site opts in with `allow_html = true`.

use comrak::{markdown_to_html, Options};

/// A configured Markdown renderer.
pub struct Markdown {
    options: Options<'static>,
    /// What the link back from a footnote to its reference says, before its number.
    backref_label: &'static str,
}

/// The heading given to a post's footnotes (comrak gives none).
const FOOTNOTES_HEADING: &str = "<h2 class=\"footnotes-heading\">Notes</h2>";

/// comrak's label of a footnote's back link, in English.
const COMRAK_BACKREF_LABEL: &str = "Back to reference ";

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
        Markdown { options, backref_label: COMRAK_BACKREF_LABEL }
    }

    /// The renderer for a site in `language` (its footnotes' words).
    pub(crate) fn for_language(self, language: &str) -> Self {
        let backref_label =
            if crate::config::is_french(language) { "Retour à l’appel de note " } else { COMRAK_BACKREF_LABEL };
        Markdown { backref_label, ..self }
    }

    /// Renders a Markdown text to HTML.
    pub fn render(&self, text: &str) -> String {
        let html = plain_paragraph(text).unwrap_or_else(|| markdown_to_html(text, &self.options));
        if text.contains("[^") {
            self.label_footnotes(html)
        } else {
            html
        }
    }

    /// Gives the footnotes a heading (a section needs one) and their back
    /// links a label in the site's language.
    fn label_footnotes(&self, html: String) -> String {
        const SECTION: &str = "<section class=\"footnotes\" data-footnotes>";
        let Some(at) = html.find(SECTION).map(|at| at + SECTION.len()) else { return html };
        let (body, notes) = html.split_at(at);
        let notes = notes
            .replace(&format!("aria-label=\"{COMRAK_BACKREF_LABEL}"), &format!("aria-label=\"{}", self.backref_label));
        format!("{body}\n{FOOTNOTES_HEADING}{notes}")
    }
}

/// The HTML of a one-line text in which Markdown would interpret nothing
/// (the common timeline update), without starting the Markdown parser:
/// the same bytes comrak gives, checked by a test against comrak itself.
fn plain_paragraph(text: &str) -> Option<String> {
    let line = text.trim_end_matches([' ', '\n']);
    let first = line.chars().next()?;
    if !first.is_alphabetic() || line.contains('\n') {
        return None;
    }
    let safe = |c: char| c.is_alphanumeric() || " .,;:!?'’()%/«»…°+=-\u{a0}\u{202f}".contains(c);
    if !line.chars().all(safe) || ["://", "www.", "mailto:", "xmpp:"].iter().any(|p| line.contains(p)) {
        return None;
    }
    Some(format!("<p>{line}</p>\n"))
}

/// The ways of writing the summary marker.
const MORE_MARKERS: [&str; 2] = ["<!-- more -->", "<!--more-->"];

/// A body cut at its first `<!-- more -->` marker: the text before it (the
/// summary) and the text after it. The marker itself is no text of the post.
pub(crate) fn split_at_more(body: &str) -> Option<(&str, &str)> {
    let mut from = 0;
    while let Some(at) = body[from..].find('<').map(|i| from + i) {
        if let Some(marker) = MORE_MARKERS.iter().find(|m| body[at..].starts_with(**m)) {
            return Some((&body[..at], &body[at + marker.len()..]));
        }
        from = at + 1;
    }
    None
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
    fn plain_text_shortcut_gives_comrak_bytes() {
        let md = Markdown::new(false);
        let mut samples: Vec<String> = [
            "Mise à jour 1 : saturation sur.",
            "Le service est rétabli à 14 h 31 (100 % des clients).",
            "Voir www.example.org pour plus d’informations.",
            "Écrire à support@example.org.",
            "Incident clos ; surveillance terminée !",
            "A",
            "Fin",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Pseudo-random strings over an alphabet mixing safe and Markdown characters.
        let alphabet: Vec<char> = "ab Éé1.,;:!?'’()%/«»…-+= ab Éé1.,;:!?'’()%/«»…-+=*_`[]<>&#|~\\@w:".chars().collect();
        let mut seed: u64 = 42;
        for _ in 0..40_000 {
            let len = (seed % 24) as usize + 1;
            let mut s = String::from("a");
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
            }
            samples.push(s);
        }
        let mut shortcut = 0;
        for text in &samples {
            if let Some(fast) = plain_paragraph(text) {
                shortcut += 1;
                assert_eq!(fast, markdown_to_html(text, &md.options), "shortcut differs from comrak for {text:?}");
            }
        }
        assert!(shortcut > 1000, "the shortcut must actually be exercised ({shortcut})");
    }

    #[test]
    fn footnotes_have_a_heading_and_back_links_in_the_site_language() {
        let text = "Un « split brain »[^1].\n\n[^1]: Cerveau divisé.\n";
        let html = Markdown::new(false).for_language("fr").render(text);
        assert!(
            html.contains("<section class=\"footnotes\" data-footnotes>\n<h2 class=\"footnotes-heading\">Notes</h2>"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Retour à l’appel de note 1\""), "{html}");
        assert!(!html.contains("Back to reference"), "{html}");
        let english = Markdown::new(false).for_language("en").render(text);
        assert!(
            english.contains("aria-label=\"Back to reference 1\"") && english.contains("footnotes-heading"),
            "{english}"
        );
        let no_notes = Markdown::new(false).for_language("fr").render("Un texte [^1] sans note.\n");
        assert!(!no_notes.contains("footnotes-heading"), "{no_notes}");
    }

    #[test]
    fn summary_stops_at_marker() {
        assert_eq!(split_at_more("a\n<!-- more -->\nb"), Some(("a\n", "\nb")));
        assert_eq!(split_at_more("<b> a < c\n<!--more-->b"), Some(("<b> a < c\n", "b")));
        assert_eq!(split_at_more("a <!-- less --> b"), None);
        assert_eq!(split_at_more("a <"), None);
        let (summary, rest) = split_at_more("a\n\n<!-- more -->\n\nb").expect("marker");
        let html = Markdown::new(false).render(&format!("{summary}{rest}"));
        assert_eq!(html, "<p>a</p>\n<p>b</p>\n", "the marker is no text of the page");
        assert_eq!(split_at_more("a b"), None);
    }
}
