//! Findings about the user's files: an error or warning tied to a file, a
//! line and a column, with a hint on how to fix it. Every layer that reads
//! user input reports through these, so that all messages look alike.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The build cannot go on.
    Error,
    /// The build goes on, but the author should look.
    Warning,
}

/// One finding in one file, located by 1-based line and column counted from
/// the very start of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The file, as given to the user (relative to the site root when possible).
    pub path: PathBuf,
    /// 1-based line, 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(path: &Path, (line, col): (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Error, path: path.to_path_buf(), line, col, message: message.into(), hint: None }
    }

    /// A warning at a location.
    pub fn warning(path: &Path, at: (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Warning, ..Diagnostic::error(path, at, message) }
    }

    /// The same finding with a hint on how to fix it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        write!(f, ": {level}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

/// A list of findings, sorted by file and position, that displays one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts the findings by file, line and column so that output is stable.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.path, a.line, a.col, a.level).cmp(&(&b.path, b.line, b.col, b.level)));
        self
    }

    /// How many findings are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Maps byte offsets of one text to 1-based line and column numbers
/// (columns count characters, not bytes).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Found at the first question: most texts have nothing to report.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        LineIndex { text, line_starts: std::sync::OnceLock::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = vec![0];
            line_starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            line_starts
        })
    }

    /// The 1-based (line, column) of a byte offset; offsets past the end map
    /// to the end of the text.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The known word closest to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let idx = LineIndex::new("ab\néç\nx");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(5), (2, 2), "é is two bytes but one column");
        assert_eq!(idx.position(8), (3, 1));
        assert_eq!(idx.position(100), (3, 2));
    }

    #[test]
    fn suggests_close_words_only() {
        let known = ["mail", "dns", "web"];
        assert_eq!(did_you_mean("mial", known), Some("mail"));
        assert_eq!(did_you_mean("webb", known), Some("web"));
        assert_eq!(did_you_mean("database", known), None);
    }

    #[test]
    fn displays_location_message_and_hint() {
        let d = Diagnostic::error(Path::new("content/a.md"), (3, 12), "unknown service \"mial\"")
            .with_hint("did you mean \"mail\"?");
        assert_eq!(d.to_string(), "content/a.md:3:12: error: unknown service \"mial\"\n  help: did you mean \"mail\"?");
    }
}
