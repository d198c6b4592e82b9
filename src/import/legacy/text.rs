//! Importer (legacy page), reading: an HTML page or its text → paragraphs,
//! each with the line it starts on and whether it was a heading. HTML is
//! read as a browser would (html5ever, through scraper): a block element,
//! a heading or a `<br>` ends a paragraph; scripts, styles and the head are
//! skipped. A page that is not UTF-8 is read as Windows-1252, the encoding
//! of old French pages.

use scraper::{ElementRef, Html, Node};

/// One paragraph of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Its text, spaces collapsed (lines of a text paragraph joined by a space).
    pub text: String,
    /// The line of the source it starts on (1-based).
    pub line: usize,
    /// An HTML heading (`<h1>`…`<h6>`, `<dt>`).
    pub heading: bool,
}

/// The source's text and how it was decoded (a note when not UTF-8).
pub fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.trim_start_matches('\u{feff}').to_string(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Some("the file is not UTF-8: read as Windows-1252 (Latin-1)"))
        }
    }
}

/// Whether `text` is an HTML page rather than plain text.
pub fn is_html(text: &str) -> bool {
    let head = text.trim_start().get(..200.min(text.trim_start().len())).unwrap_or("").to_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
        || head.starts_with("<p")
        || head.starts_with("<div")
        || head.starts_with("<h")
}

/// The paragraphs of a text: blocks separated by blank lines.
pub fn text_paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut first_line = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            flush(&mut out, &current.join(" "), first_line, false);
            current.clear();
        } else {
            if current.is_empty() {
                first_line = n + 1;
            }
            current.push(line.trim());
        }
    }
    flush(&mut out, &current.join(" "), first_line, false);
    out
}

fn flush(out: &mut Vec<Paragraph>, text: &str, line: usize, heading: bool) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(Paragraph { text, line, heading });
    }
}

/// The paragraphs of an HTML page, each with the line of the source where its text is found.
pub fn html_paragraphs(source: &str) -> Vec<Paragraph> {
    let document = Html::parse_document(source);
    let mut walker = Walker { out: Vec::new(), current: String::new(), heading: false };
    walker.walk(document.root_element());
    walker.end_paragraph();
    let mut from = 0;
    walker
        .out
        .into_iter()
        .map(|(text, heading)| {
            let line = locate(source, &text, &mut from);
            Paragraph { text, line, heading }
        })
        .collect()
}

/// The line of `source` where `text`'s first word is found as a word,
/// searching on from `from` (then moved past it).
fn locate(source: &str, text: &str, from: &mut usize) -> usize {
    let word = text.split_whitespace().find(|w| w.chars().any(char::is_alphanumeric)).unwrap_or("");
    let word: String = word.chars().skip_while(|c| !c.is_alphanumeric()).take_while(|c| c.is_alphanumeric()).collect();
    let is_word_at = |at: usize| {
        let before = source[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = source[at + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    };
    let found = (!word.is_empty())
        .then(|| source[*from..].match_indices(&word).map(|(i, _)| *from + i).find(|&at| is_word_at(at)))
        .flatten();
    let Some(at) = found else { return source[..*from].matches('\n').count() + 1 };
    *from = at + word.len();
    source[..at].matches('\n').count() + 1
}

struct Walker {
    out: Vec<(String, bool)>,
    current: String,
    heading: bool,
}

const SKIPPED: [&str; 8] = ["head", "script", "style", "noscript", "template", "svg", "nav", "iframe"];
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "hr",
    "br",
    "main",
];

impl Walker {
    fn end_paragraph(&mut self) {
        let text = self.current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            self.out.push((text, self.heading));
        }
        self.current.clear();
        self.heading = false;
    }

    fn walk(&mut self, element: ElementRef<'_>) {
        let name = element.value().name();
        if SKIPPED.contains(&name) {
            return;
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.end_paragraph();
        }
        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt") {
            self.heading = true;
        }
        if name == "li" {
            self.current.push_str("- ");
        }
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.current.push_str(text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.walk(child);
                    }
                }
                _ => {}
            }
        }
        if block {
            self.end_paragraph();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_paragraphs_are_blocks_with_their_first_line() {
        let paragraphs = text_paragraphs("Titre\n\nUne ligne\nqui continue\n\n\n13h40 : fin\n");
        let seen: Vec<(&str, usize)> = paragraphs.iter().map(|p| (p.text.as_str(), p.line)).collect();
        assert_eq!(seen, vec![("Titre", 1), ("Une ligne qui continue", 3), ("13h40 : fin", 7)]);
    }

    #[test]
    fn html_blocks_headings_and_breaks_end_paragraphs() {
        let page = "<!DOCTYPE html>\n<html><head><title>x</title><style>p{}</style></head><body>\n<h2>17 f&eacute;vrier 2013 : MODIF</h2>\n<p>Nous avons <b>chang&eacute;</b> ns2.<br>13h40 : fin</p>\n<ul><li>un</li></ul><script>alert(1)</script></body></html>";
        let paragraphs = html_paragraphs(page);
        let seen: Vec<(&str, usize, bool)> = paragraphs.iter().map(|p| (p.text.as_str(), p.line, p.heading)).collect();
        assert_eq!(
            seen,
            vec![
                ("17 février 2013 : MODIF", 3, true),
                ("Nous avons changé ns2.", 4, false),
                ("13h40 : fin", 4, false),
                ("- un", 5, false),
            ]
        );
    }

    #[test]
    fn latin1_pages_are_decoded() {
        let (text, note) = decode(b"17 f\xe9vrier 2013");
        assert_eq!((text.as_str(), note.is_some()), ("17 février 2013", true));
        assert_eq!(decode("déjà".as_bytes()), ("déjà".to_string(), None));
        assert!(is_html("  <!DOCTYPE html><html>"));
        assert!(!is_html("17 février 2013 : <b>x</b>"));
    }
}
