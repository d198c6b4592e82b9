//! Shared by every stage that reads the site's files: which files vigie
//! ignores (hidden ones and the temporary files editors leave), and a
//! relative path written with `/` whatever the system, as URLs and
//! template names need it.

use std::ffi::OsStr;
use std::path::Path;

/// Hidden files and the temporary files editors leave beside the ones they save.
pub(crate) fn is_ignored(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bck")
        || name.ends_with(".kate-swp")
        || name.contains("___jb_")
}

/// Whether any part of the relative path `rel` is ignored ([`is_ignored`]).
pub(crate) fn has_ignored_part(rel: &Path) -> bool {
    rel.components().any(|part| is_ignored(part.as_os_str()))
}

/// `rel` with its parts joined by `/` (`2024/panne` on every system).
pub(crate) fn slash_path(rel: &Path) -> String {
    let parts: Vec<_> = rel.components().map(|part| part.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_are_ignored() {
        for name in [".x.md.swp", "x.md~", "#x.md#", ".#x.md", "x.md___jb_tmp___", "x.md.kate-swp"] {
            assert!(is_ignored(OsStr::new(name)), "{name} should be ignored");
        }
        assert!(!is_ignored(OsStr::new("panne.md")));
        assert!(has_ignored_part(Path::new("2024/.drafts/x.md")));
        assert!(!has_ignored_part(Path::new("2024/panne.md")));
    }

    #[test]
    fn paths_are_joined_with_slashes() {
        assert_eq!(slash_path(&Path::new("content").join("2024").join("panne")), "content/2024/panne");
        assert_eq!(slash_path(Path::new("")), "");
    }
}
