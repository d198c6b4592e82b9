//! Authoring commands, beside the build pipeline and built on it:
//! [`init`] writes a new site that builds at once, [`new`] writes a post with valid front matter, [`update`] appends a
//! timeline update to a post without touching the rest of the file, and
//! [`check`] runs every validation of the build, plus warnings, without
//! writing anything.
//!
//! Each command takes an options struct and gives back a result or
//! [`Diagnostics`](crate::diagnostics::Diagnostics) located like the build's
//! (`path:line:col`); problems with a command-line argument are located at
//! the argument (`--service: error: …`). Printing and exit codes are the
//! binary's job.

pub mod check;
pub(crate) mod encode;
pub mod init;
mod links;
pub mod new;
mod source;
pub mod update;
mod when;
mod words;

use crate::diagnostics::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// A single error as the `Err` of a command.
fn fail<T>(diagnostic: Diagnostic) -> Result<T, Diagnostics> {
    Err(Diagnostics(vec![diagnostic]))
}

/// The path to show for `rel` (relative to the site root) so that it can be
/// used from the current folder: `content/…` when the root is `.`, else
/// `<root>/content/…`.
fn from_cwd(root: &Path, rel: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_from_the_current_folder() {
        let rel = Path::new("content/2024/a.md");
        assert_eq!(from_cwd(Path::new("."), rel), rel);
        assert_eq!(from_cwd(Path::new("site"), rel), Path::new("site/content/2024/a.md"));
    }
}
