//! One post's text with its front matter parsed by `toml_edit`, which keeps
//! every key's and value's byte span: where `update` inserts, and where
//! `check` points its warnings.

use crate::content::front_matter::split;
use crate::diagnostics::LineIndex;
use std::ops::Range;
use toml_edit::{Document, Item, Table, Value};

/// A post whose front matter is valid TOML.
pub(crate) struct PostSource {
    /// The whole file.
    pub text: String,
    /// Byte offset of the front matter in `text` (after the opening fence line).
    pub front_matter_offset: usize,
    /// Byte offset of the body in `text` (after the closing fence line).
    pub body_offset: usize,
    doc: Document<String>,
}

impl PostSource {
    /// Splits and parses `text`; `None` when it has no front matter or the
    /// front matter is not TOML (the build reports those).
    pub(crate) fn parse(text: String) -> Option<PostSource> {
        let parts = split(&text).ok()?;
        let (front_matter_offset, body_offset) = (parts.front_matter_offset, parts.body_offset);
        let doc = Document::parse(parts.front_matter.to_string()).ok()?;
        Some(PostSource { text, front_matter_offset, body_offset, doc })
    }

    /// The front matter's root table.
    pub(crate) fn root(&self) -> &Table {
        self.doc.as_table()
    }

    /// The front matter, between the fences.
    pub(crate) fn front_matter(&self) -> &str {
        self.doc.raw()
    }

    /// The Markdown body.
    pub(crate) fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// The span in the file of the value of a root key.
    pub(crate) fn value_span(&self, key: &str) -> Option<Range<usize>> {
        self.absolute(self.root().get(key)?.span()?)
    }

    /// The span in the file of the value of `key` in `table`, a table of
    /// this front matter (one of its `[[updates]]`, for instance).
    pub(crate) fn span_in(&self, table: &Table, key: &str) -> Option<Range<usize>> {
        self.absolute(table.get(key)?.span()?)
    }

    /// The `[[updates]]` tables (empty when `updates` is absent or inline).
    pub(crate) fn update_tables(&self) -> Vec<&Table> {
        match self.root().get("updates") {
            Some(Item::ArrayOfTables(tables)) => tables.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The span in the file of the value of `key` in the `index`-th update,
    /// written as an `[[updates]]` table or in an inline `updates = [...]`.
    pub(crate) fn update_span(&self, index: usize, key: &str) -> Option<Range<usize>> {
        match self.root().get("updates")? {
            Item::ArrayOfTables(tables) => self.span_in(tables.get(index)?, key),
            Item::Value(Value::Array(array)) => self.absolute(array.get(index)?.as_inline_table()?.get(key)?.span()?),
            _ => None,
        }
    }

    /// The 1-based line and column of a byte offset of the file.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        LineIndex::new(&self.text).position(offset)
    }

    /// The line ending the file uses (that of its opening fence line).
    pub(crate) fn newline(&self) -> &'static str {
        if self.text[..self.front_matter_offset].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn absolute(&self, span: Range<usize>) -> Option<Range<usize>> {
        Some(self.front_matter_offset + span.start..self.front_matter_offset + span.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_file_offsets() {
        let text = "\u{feff}+++\r\ntitle = \"a\"\r\nstart = 2024-09-23T07:40:00+02:00\r\n+++\r\nbody\r\n".to_string();
        let post = PostSource::parse(text).expect("valid");
        let span = post.value_span("start").expect("start");
        assert_eq!(&post.text[span.clone()], "2024-09-23T07:40:00+02:00");
        assert_eq!(post.position(span.start), (3, 9));
        assert_eq!(post.body(), "body\r\n");
        assert_eq!(post.newline(), "\r\n");
    }

    #[test]
    fn update_tables_are_listed() {
        let text = "+++\ntitle = \"a\"\n[[updates]]\ntext = \"x\"\n[[updates]]\ntext = \"y\"\n+++\n".to_string();
        let post = PostSource::parse(text).expect("valid");
        let tables = post.update_tables();
        assert_eq!(tables.len(), 2);
        let span = post.span_in(tables[1], "text").expect("text");
        assert_eq!(&post.text[span], "\"y\"");
        assert_eq!(post.newline(), "\n");
    }

    #[test]
    fn an_update_is_located_in_tables_and_in_an_inline_array() {
        let tables = "+++\n[[updates]]\nat = 1\n[[updates]]\nat = 2\n+++\n".to_string();
        let post = PostSource::parse(tables).expect("valid");
        assert_eq!(post.update_span(1, "at").map(|s| post.position(s.start)), Some((5, 6)));
        assert_eq!(post.update_span(2, "at"), None);
        let inline = "+++\nupdates = [\n  { at = 1 },\n  { status = \"x\", at = 2 },\n]\n+++\n".to_string();
        let post = PostSource::parse(inline).expect("valid");
        assert_eq!(post.update_span(1, "at").map(|s| post.position(s.start)), Some((4, 24)));
        assert_eq!(post.update_span(0, "text"), None);
    }
}
