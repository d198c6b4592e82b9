//! Shared by every stage that reads the site's files: which files vigie
//! ignores (hidden ones and the temporary files editors leave), a relative
//! path written with `/` whatever the system, as URLs and template names
//! need it, and the stamp that tells whether a file changed since it was
//! last read.

use serde::{Deserialize, Serialize};
use std::ffi::OsStr;
use std::path::Path;
use std::time::SystemTime;

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

/// What tells whether a file changed without reading it again: its size and
/// modification time and, on Unix, its inode and status-change time. The
/// last two catch what the first two miss: a file rewritten with the same
/// size and its modification time set back (`cp -p`, `rsync -t`, `touch -r`),
/// since no tool can set a status-change time, and a file replaced by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The status-change time (seconds, nanoseconds) and the inode; none off Unix.
    changed: Option<(i64, i64, u64)>,
}

impl FileStamp {
    /// The stamp of a file with this metadata.
    pub(crate) fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        let changed = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.ctime(), meta.ctime_nsec(), meta.ino()))
        };
        #[cfg(not(unix))]
        let changed = None;
        FileStamp { len: meta.len(), modified: meta.modified().ok(), changed }
    }

    /// The stamp of the file at `path` (following links), if it can be read.
    pub(crate) fn read(path: &Path) -> Option<FileStamp> {
        std::fs::metadata(path).ok().map(|meta| FileStamp::of(&meta))
    }

    /// Whether two reads with this same stamp are sure to be of the same
    /// content: a file system that keeps no modification time tells nothing.
    pub(crate) fn is_telling(&self) -> bool {
        self.modified.is_some()
    }
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

    #[cfg(unix)]
    #[test]
    fn a_file_rewritten_with_its_size_and_modification_time_has_another_stamp() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("panne.md");
        std::fs::write(&path, "first").expect("write");
        let before = FileStamp::read(&path).expect("a stamp");
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("a modification time");
        assert_eq!(FileStamp::read(&path), Some(before), "read twice, the same stamp");
        // The status-change time moves in ticks of the kernel's coarse clock.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "other").expect("write again");
        std::fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(modified)).expect("set back");
        let after = FileStamp::read(&path).expect("a stamp");
        assert_eq!((after.len, after.modified), (before.len, before.modified), "the same size and time");
        assert_ne!(after, before, "but not the same stamp");
    }

    #[test]
    fn paths_are_joined_with_slashes() {
        assert_eq!(slash_path(&Path::new("content").join("2024").join("panne")), "content/2024/panne");
        assert_eq!(slash_path(Path::new("")), "");
    }
}
