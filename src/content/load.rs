//! Stage 1 (load): finds the incident files under `content/` (any depth, symlinks followed
//! but never out of the site root) and reads them in parallel.

use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Name of the folder holding the incident posts.
pub(crate) const CONTENT_DIR: &str = "content";

/// One file found: its path relative to the site root and its text, or
/// the reason it could not be read.
pub(crate) struct SourceFile {
    /// Path relative to the site root, as shown in messages.
    pub path: PathBuf,
    /// The text, or an error about reading it.
    pub text: Result<String, Diagnostic>,
}

/// Lists the Markdown files under `root/content`, sorted, skipping hidden
/// and editor temporary files. Problems while walking are returned as errors.
pub(crate) fn find_sources(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let content = root.join(CONTENT_DIR);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !content.is_dir() {
        errors.push(
            Diagnostic::error(Path::new(CONTENT_DIR), (0, 0), "there is no content/ folder")
                .with_hint("create content/ at the site root and put one Markdown file per incident in it"),
        );
        return (files, errors);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::paths::is_ignored(e.file_name()));
    while let Some(entry) = walker.next() {
        match entry {
            Ok(entry) => {
                let linked_dir = entry.file_type().is_dir() && entry.path_is_symlink();
                if !linked_dir && (!entry.file_type().is_file() || !is_markdown(entry.path())) {
                    continue;
                }
                let shown = relative(root, entry.path());
                if entry.path_is_symlink() && !stays_inside(entry.path(), &canonical_root) {
                    if linked_dir {
                        walker.skip_current_dir();
                    }
                    errors.push(
                        Diagnostic::error(&shown, (0, 0), "this symbolic link points outside the site").with_hint(
                            "vigie only reads files inside the site folder; copy the file instead of linking it",
                        ),
                    );
                    continue;
                }
                if !linked_dir {
                    files.push(entry.into_path());
                }
            }
            Err(e) => {
                let shown = e.path().map_or_else(|| PathBuf::from(CONTENT_DIR), |p| relative(root, p));
                let hint = if e.loop_ancestor().is_some() {
                    "a symbolic link points back to a folder that contains it; remove the link"
                } else {
                    "check the permissions of this file or folder"
                };
                errors.push(Diagnostic::error(&shown, (0, 0), format!("cannot read: {e}")).with_hint(hint));
            }
        }
    }
    (files, errors)
}

/// Reads one file as UTF-8 text.
pub(crate) fn read_source(root: &Path, path: &Path) -> SourceFile {
    let shown = relative(root, path);
    let text = match std::fs::read(path) {
        Err(e) => Err(Diagnostic::error(&shown, (0, 0), format!("cannot read: {e}"))),
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = std::str::from_utf8(&valid[line_start..]).map_or(0, |s| s.chars().count()) + 1;
            Diagnostic::error(&shown, (line, col), "the file is not valid UTF-8 text")
                .with_hint("save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8); if it is not a post, give it another extension than .md")
        }),
    };
    SourceFile { path: shown, text }
}

/// `path` relative to `root` when it is inside it.
pub(crate) fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn stays_inside(path: &Path, canonical_root: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(canonical_root))
}

/// Whether a file is an incident post (a `.md` file).
pub(crate) fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
}
