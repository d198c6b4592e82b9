//! Stage 5 (write): the folder a build stages the new site in is, when it
//! can be, the site before last that the previous build set aside (or one a
//! killed build left), rather than a new tree. Its folders are already there
//! and most of its files are hard links to the deployed ones, so a rebuild
//! after a small edit touches only what changed instead of making thousands
//! of folders and links again. Nothing in it is trusted: every file of the
//! new site is checked against the deployed one or written, and whatever
//! the new site does not have is removed before the swap.

use super::{io, OutputError};
use rustc_hash::FxHashSet;
use std::path::{Path, PathBuf};

/// What a reused folder held when the build took it: site-relative paths
/// (with `/`) of its files (anything that is not a folder) and folders.
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) files: FxHashSet<String>,
    pub(super) folders: FxHashSet<String>,
}

/// The leftover folders beside the output that `owner` (a user id) owns,
/// most useful first: the sites set aside by earlier builds (newest first),
/// then staging folders of killed builds. Another user's (a build run with
/// `sudo`) are left alone: this build could neither reuse nor remove them.
pub(super) fn leftovers(parent: &Path, name: &str, owner: u32) -> Vec<PathBuf> {
    let (old, new) = (format!(".{name}.vigie-old-"), format!(".{name}.vigie-new-"));
    let mut found: Vec<(bool, std::time::SystemTime, PathBuf)> = std::fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let is_old = file_name.starts_with(&old);
            let meta = std::fs::symlink_metadata(entry.path()).ok()?;
            let ours = std::os::unix::fs::MetadataExt::uid(&meta) == owner;
            ((is_old || file_name.starts_with(&new)) && meta.is_dir() && ours)
                .then(|| (!is_old, meta.modified().unwrap_or(std::time::UNIX_EPOCH), entry.path()))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    found.into_iter().map(|(_, _, path)| path).collect()
}

/// Lists everything under `folder`, in the background (the build goes on
/// meanwhile); an error if any part of it cannot be read, since what is
/// not listed could not be removed. Its top-level entries are shared out
/// among a few threads: a later edit's build waits for the listing before
/// its first file, and reading thousands of folders is the kernel's time,
/// which several threads divide.
pub(super) fn list_in_background(folder: PathBuf) -> std::thread::JoinHandle<std::io::Result<Listing>> {
    std::thread::spawn(move || {
        let top: Vec<PathBuf> =
            std::fs::read_dir(&folder)?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
        let next = std::sync::Mutex::new(top.into_iter());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(LISTING_THREADS));
        let parts: Vec<std::io::Result<Listing>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut listing = Listing::default();
                        loop {
                            let entry = next.lock().unwrap_or_else(|e| e.into_inner()).next();
                            let Some(entry) = entry else { return Ok(listing) };
                            list_into(&folder, &entry, &mut listing)?;
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err(std::io::Error::other("listing failed"))))
                .collect()
        });
        let mut listing = Listing::default();
        for part in parts {
            let part = part?;
            listing.files.extend(part.files);
            listing.folders.extend(part.folders);
        }
        Ok(listing)
    })
}

/// At most this many threads list a reused folder, however many cores the
/// machine has: the build runs beside them (measured on 2 cores only).
const LISTING_THREADS: usize = 4;

/// Adds `entry` (in `folder`) and everything under it to `listing`.
fn list_into(folder: &Path, entry: &Path, listing: &mut Listing) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(entry).follow_root_links(false) {
        let entry = entry?;
        // A name that is not UTF-8 is no name of a site: the folder is emptied instead.
        let Some(rel) = entry.path().strip_prefix(folder).ok().and_then(Path::to_str) else {
            let what = format!("{}: a name that is not UTF-8", entry.path().display());
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, what));
        };
        let rel = rel.replace(std::path::MAIN_SEPARATOR, "/");
        if entry.file_type().is_dir() {
            listing.folders.insert(rel);
        } else {
            listing.files.insert(rel);
        }
    }
    Ok(())
}

impl Listing {
    /// Removes from `staging` what it held when it was taken and the new
    /// site does not have: the files not in `kept` (the marker aside,
    /// written afterwards), then the folders no kept file is in, deepest first.
    pub(super) fn remove_unused(&self, staging: &Path, kept: &FxHashSet<String>) -> Result<(), OutputError> {
        let needed: FxHashSet<&str> = kept.iter().flat_map(|rel| ancestors(rel)).collect();
        // A file of the folder may have become a folder of the new site.
        let unused_files = self
            .files
            .iter()
            .filter(|rel| !kept.contains(*rel) && !needed.contains(rel.as_str()) && *rel != super::MARKER);
        for rel in unused_files {
            let path = staging.join(rel);
            match std::fs::remove_file(&path) {
                Err(e) if !gone(&e) => return Err(io("removing a file the new site no longer has", &path)(e)),
                _ => {}
            }
        }
        let mut unused: Vec<&String> =
            self.folders.iter().filter(|rel| !needed.contains(rel.as_str()) && !kept.contains(*rel)).collect();
        unused.sort_by_key(|rel| std::cmp::Reverse(rel.matches('/').count()));
        for rel in unused {
            let path = staging.join(rel);
            match std::fs::remove_dir(&path).or_else(|_| std::fs::remove_dir_all(&path)) {
                Err(e) if !gone(&e) => return Err(io("removing a folder the new site no longer has", &path)(e)),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Whether a removal failed because the path is already gone (or one of its
/// folders was replaced by a file of the new site).
fn gone(error: &std::io::Error) -> bool {
    matches!(error.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory)
}

/// The folders `rel` is in, innermost first (`a/b/c.html` → `a/b`, `a`).
pub(super) fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    let mut rest = rel;
    std::iter::from_fn(move || {
        let cut = rest.rfind('/')?;
        rest = &rest[..cut];
        Some(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_are_the_folders_a_path_is_in() {
        assert_eq!(ancestors("a/b/c.html").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("index.html").count(), 0);
    }

    #[test]
    fn sites_set_aside_come_before_staging_folders_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, age) in [(".public.vigie-new-a", 1), (".public.vigie-old-b", 30), (".public.vigie-old-c", 10)] {
            let path = dir.path().join(name);
            std::fs::create_dir(&path).expect("mkdir");
            let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
            std::fs::File::open(&path).and_then(|f| f.set_modified(when)).expect("set the time");
        }
        std::fs::create_dir(dir.path().join(".other.vigie-old-d")).expect("mkdir");
        std::fs::write(dir.path().join(".public.vigie-old-file"), "").expect("write");
        let me = rustix::process::geteuid().as_raw();
        assert!(leftovers(dir.path(), "public", me + 1).is_empty(), "another user's are left alone");
        let names: Vec<_> = leftovers(dir.path(), "public", me)
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [".public.vigie-old-c", ".public.vigie-old-b", ".public.vigie-new-a"]);
    }

    #[test]
    fn a_listing_has_every_file_and_folder_and_never_goes_through_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let elsewhere = tempfile::tempdir().expect("tempdir");
        std::fs::write(elsewhere.path().join("page.html"), "not vigie's").expect("write");
        for year in 2016..2026 {
            std::fs::create_dir_all(dir.path().join(format!("{year}/11/22/a"))).expect("mkdir");
            std::fs::write(dir.path().join(format!("{year}/11/22/a/index.html")), "page").expect("write");
        }
        std::fs::write(dir.path().join("index.html"), "home").expect("write");
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("linked")).expect("symlink");
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("2016/linked")).expect("symlink");
        let listing = list_in_background(dir.path().to_path_buf()).join().expect("thread").expect("listing");
        let mut files: Vec<&str> = listing.files.iter().map(String::as_str).collect();
        files.sort_unstable();
        let mut expected: Vec<String> = (2016..2026).map(|year| format!("{year}/11/22/a/index.html")).collect();
        expected.extend(["2016/linked".into(), "index.html".into(), "linked".into()]);
        expected.sort_unstable();
        assert_eq!(files, expected, "links are files of the listing, never followed");
        assert_eq!(listing.folders.len(), 10 * 4);
        assert!(listing.folders.contains("2025/11/22/a") && !listing.folders.contains("linked"));
    }
}
