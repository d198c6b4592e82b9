//! Stage 2 (parse): splits an incident file into its TOML front matter (between `+++` lines)
//! and its Markdown body, keeping byte offsets so that errors can be located
//! in the original file.

/// The two parts of an incident file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front_matter: &'a str,
    /// Byte offset of `front_matter` in the file.
    pub front_matter_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line.
    NoOpeningFence,
    /// The opening `+++` has no matching closing line.
    NoClosingFence,
}

const FENCE: &str = "+++";

/// Splits `text` (a byte-order mark at the start is skipped; CRLF is fine).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let first = lines.next().ok_or(SplitError::NoOpeningFence)?;
    if first.content.trim_end() != FENCE {
        return Err(SplitError::NoOpeningFence);
    }
    let front_matter_offset = first.end;
    for line in lines {
        if line.content.trim_end() == FENCE {
            return Ok(Split {
                front_matter: &text[front_matter_offset..line.start],
                front_matter_offset,
                body: &text[line.end..],
                body_offset: line.end,
            });
        }
    }
    Err(SplitError::NoClosingFence)
}

struct Line<'a> {
    start: usize,
    content: &'a str,
    end: usize,
}

struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = Line<'a>;
    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (content, end) = match rest.find('\n') {
            Some(i) => (&rest[..i], start + i + 1),
            None => (rest, self.text.len()),
        };
        self.pos = end;
        Some(Line { start, content: content.strip_suffix('\r').unwrap_or(content), end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_offsets() {
        let text = "+++\ntitle = \"a\"\n+++\nbody\n";
        let s = split(text).expect("valid");
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!(s.front_matter_offset, 4);
        assert_eq!(s.body, "body\n");
        assert_eq!(&text[s.body_offset..], "body\n");
    }

    #[test]
    fn accepts_bom_crlf_and_trailing_spaces() {
        let s = split("\u{feff}+++ \r\na = 1\r\n+++\r\nbody").expect("valid");
        assert_eq!(s.front_matter, "a = 1\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn front_matter_only_has_empty_body() {
        let s = split("+++\na = 1\n+++").expect("valid");
        assert_eq!(s.body, "");
    }

    #[test]
    fn reports_missing_fences() {
        assert_eq!(split(""), Err(SplitError::NoOpeningFence));
        assert_eq!(split("title = 1\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::NoClosingFence));
        assert_eq!(split("++++\n+++\n"), Err(SplitError::NoOpeningFence));
    }
}
