//! Findings, and every other reason a command stops: an error or warning,
//! tied to a file, a line and a column when there is one, with a hint on
//! how to fix it and the chain of its causes. Every stage converts its
//! errors into these where they happen, as data; they become text only when
//! printed, in one place: [`Diagnostic`]'s `Display` for the terminal (and
//! `vigie serve`'s overlay, which shows the same text), serde for
//! `vigie check --format json`.

use serde::{Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The build cannot go on.
    Error,
    /// The build goes on, but the author should look.
    Warning,
}

impl Level {
    /// `error` or `warning`, as printed.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One finding, located by 1-based line and column counted from the very
/// start of the file. Serialized (for `vigie check --format json`) as an
/// object with `path` (with `/`), `line`, `col` (`null` when unknown),
/// `level`, `message`, `hint` (`null` when none) and `causes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as given to the user (relative to the site root when
    /// possible); `None` when the finding concerns no file (a port taken).
    #[serde(serialize_with = "path_with_slashes")]
    pub path: Option<PathBuf>,
    /// 1-based line, 0 when the finding concerns the whole file.
    #[serde(serialize_with = "zero_as_null")]
    pub line: usize,
    /// 1-based column, 0 when unknown.
    #[serde(serialize_with = "zero_as_null")]
    pub col: usize,
    /// Error or warning.
    pub level: Level,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Why, from the nearest cause to the deepest, one entry per cause.
    pub causes: Vec<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub(crate) fn error(path: &Path, (line, col): (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            path: Some(path.to_path_buf()),
            line,
            col,
            message: message.into(),
            hint: None,
            causes: Vec::new(),
        }
    }

    /// A warning at a location.
    pub(crate) fn warning(path: &Path, at: (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic { level: Level::Warning, ..Diagnostic::error(path, at, message) }
    }

    /// An error that concerns no file (a port taken, the file watcher).
    pub(crate) fn general(message: impl Into<String>) -> Self {
        Diagnostic { path: None, ..Diagnostic::error(Path::new(""), (0, 0), message) }
    }

    /// The same finding with a hint on how to fix it.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same finding with one more cause. A cause without text, or one
    /// that says exactly what the message or the cause before it says (an
    /// error that displays its source as its own text), adds nothing and is
    /// left out.
    pub(crate) fn with_cause(mut self, cause: impl Into<String>) -> Self {
        let cause = cause.into();
        let before = self.causes.last().unwrap_or(&self.message);
        if !cause.is_empty() && cause != *before {
            self.causes.push(cause);
        }
        self
    }

    /// The same finding caused by `error`: `error` itself, then each of its
    /// sources, one cause each. When the message already says what `error`
    /// says, pass `error.source()`'s value instead, so as not to say it twice.
    pub(crate) fn caused_by(mut self, error: &(dyn std::error::Error + 'static)) -> Self {
        let mut next = Some(error);
        while let Some(cause) = next {
            self = self.with_cause(cause.to_string());
            next = cause.source();
        }
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// The terminal form, the one every command prints:
/// `path:line:col: level: message`, then `  help: …`, then one
/// `  caused by: …` line per cause.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if self.line > 0 {
                write!(f, ":{}", self.line)?;
                if self.col > 0 {
                    write!(f, ":{}", self.col)?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}: {}", self.level.as_str(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        for cause in &self.causes {
            write!(f, "\n  caused by: {cause}")?;
        }
        Ok(())
    }
}

fn path_with_slashes<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    path.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")).serialize(s)
}

fn zero_as_null<S: Serializer>(n: &usize, s: S) -> Result<S::Ok, S::Error> {
    (*n > 0).then_some(*n).serialize(s)
}

/// A list of findings, sorted by file and position, that displays one per
/// line (and serializes as a JSON array).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts the findings by file, line and column so that output is stable.
    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.path, a.line, a.col, a.level).cmp(&(&b.path, b.line, b.col, b.level)));
        self
    }

    /// How many findings are errors.
    pub(crate) fn error_count(&self) -> usize {
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

/// Why a command failed, whatever the stage: the findings that stopped it,
/// printed by [`Error::report`] (`vigie::Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    diagnostics: Diagnostics,
}

impl Error {
    /// The findings, taken out.
    pub(crate) fn into_diagnostics(self) -> Diagnostics {
        self.diagnostics
    }

    /// Every finding in its terminal form, one after the other: what
    /// `vigie build` prints and `vigie serve` shows in its overlay.
    pub fn report(&self) -> String {
        self.diagnostics.to_string()
    }

    /// How many errors this stands for (a content error may list many files;
    /// a failure counts at least one).
    pub fn error_count(&self) -> usize {
        self.diagnostics.error_count().max(1)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostics.fmt(f)
    }
}

impl std::error::Error for Error {}

impl From<Diagnostics> for Error {
    fn from(diagnostics: Diagnostics) -> Self {
        Error { diagnostics }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error { diagnostics: Diagnostics(vec![diagnostic]) }
    }
}

/// Maps byte offsets of one text to 1-based line and column numbers
/// (columns count characters, not bytes).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Found at the first question: most texts have nothing to report.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
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
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The known word closest to `word`, when it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(word, k), k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min()
        .map(|(_, k)| k)
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

    /// An error whose text is `text`, caused by `source`.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    fn layers(texts: &[&'static str]) -> Layer {
        let (first, rest) = texts.split_first().expect("one layer at least");
        Layer(first, (!rest.is_empty()).then(|| Box::new(layers(rest))))
    }

    fn render_error() -> Diagnostic {
        Diagnostic::error(Path::new("templates/index.html"), (0, 0), "cannot render /")
            .with_hint("check this template against the values it gets (see the causes below)")
            .caused_by(&layers(&["Failed to render 'index.html'", "Variable `x` not found"]))
    }

    #[test]
    fn displays_hint_then_one_line_per_cause() {
        assert_eq!(
            render_error().to_string(),
            "templates/index.html: error: cannot render /\n  \
             help: check this template against the values it gets (see the causes below)\n  \
             caused by: Failed to render 'index.html'\n  \
             caused by: Variable `x` not found"
        );
        let port = Diagnostic::general("cannot listen on 127.0.0.1:1111: Address in use").with_hint("use --port");
        assert_eq!(port.to_string(), "error: cannot listen on 127.0.0.1:1111: Address in use\n  help: use --port");
    }

    #[test]
    fn serializes_every_field_with_nulls_for_the_unknown() {
        let json =
            serde_json::to_value(Diagnostics(vec![render_error(), Diagnostic::general("no file")])).expect("json");
        assert_eq!(
            json,
            serde_json::json!([
                {
                    "path": "templates/index.html",
                    "line": null,
                    "col": null,
                    "level": "error",
                    "message": "cannot render /",
                    "hint": "check this template against the values it gets (see the causes below)",
                    "causes": ["Failed to render 'index.html'", "Variable `x` not found"]
                },
                { "path": null, "line": null, "col": null, "level": "error", "message": "no file", "hint": null, "causes": [] }
            ])
        );
        let located = Diagnostic::warning(Path::new("content\\2024\\a.md"), (3, 9), "still open");
        let json = serde_json::to_value(&located).expect("json");
        assert_eq!(
            (&json["path"], &json["line"], &json["col"], &json["level"]),
            (&"content/2024/a.md".into(), &3.into(), &9.into(), &"warning".into())
        );
    }

    #[test]
    fn each_cause_is_kept_once_by_its_place_in_the_chain() {
        // A cause whose words happen to be part of the message is still a cause
        // (the old report, which compared text, dropped it).
        let d = Diagnostic::error(Path::new("a.md"), (1, 1), "cannot read the file")
            .caused_by(&layers(&["file", "disk full"]));
        assert_eq!(d.causes, ["file", "disk full"]);
        // A wrapper that displays its source as its own text says nothing new.
        let d = Diagnostic::general("build failed").caused_by(&layers(&["disk full", "disk full", "EIO"]));
        assert_eq!(d.causes, ["disk full", "EIO"]);
        // Nor does a cause that repeats the message, or one without text.
        let d = Diagnostic::general("disk full").caused_by(&layers(&["disk full", "", "EIO"]));
        assert_eq!(d.causes, ["EIO"]);
        // But the same text further down, after another cause, is a new step.
        let d = Diagnostic::general("m").caused_by(&layers(&["a", "b", "a"]));
        assert_eq!(d.causes, ["a", "b", "a"]);
    }

    #[test]
    fn an_error_counts_its_errors_not_its_warnings() {
        let warning = Diagnostic::warning(Path::new("a.md"), (1, 1), "w");
        let errors = Diagnostics(vec![render_error(), warning.clone(), render_error()]);
        assert_eq!(Error::from(errors).error_count(), 2);
        assert_eq!(Error::from(render_error()).error_count(), 1);
        assert_eq!(Error::from(Diagnostics(vec![warning])).error_count(), 1, "a failure is one error at least");
        let report = Error::from(Diagnostics(vec![render_error(), Diagnostic::general("x")])).report();
        assert!(report.ends_with("caused by: Variable `x` not found\nerror: x"), "{report}");
    }
}
