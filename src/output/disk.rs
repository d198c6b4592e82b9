//! Stage 5 (write): the sink `build` writes through. It stages the new
//! site in a folder beside the output, keeps unchanged files as hard links
//! to the deployed ones, and swaps the staging folder in when complete.

use super::spare;
use super::swap::{is_vigies, new_folder, site_name, swap_in};
use super::{absolute, io, OutputError, Sink, MARKER, MARKER_TEXT};
use std::path::{Path, PathBuf};

/// A sink that writes the new site into a staging folder beside the output.
/// A file whose bytes are the same as in the previous output is hard-linked
/// from it instead of written, so that it keeps its modification time and
/// costs no write. [`DiskSink::finish`] swaps the staging folder in.
pub(crate) struct DiskSink {
    output: PathBuf,
    staging: PathBuf,
    previous: Option<PathBuf>,
    /// When the previous output's marker was written: the end of the build that made it.
    previous_marked: Option<std::time::SystemTime>,
    made: std::sync::Mutex<rustc_hash::FxHashSet<PathBuf>>,
    written: std::sync::atomic::AtomicUsize,
    kept: std::sync::atomic::AtomicUsize,
    cleanup: Option<std::thread::JoinHandle<()>>,
    /// When the staging folder is a leftover taken over: what it held.
    reused: Option<Reused>,
}

/// A leftover folder taken over as the staging folder ([`spare`]).
struct Reused {
    /// Its listing, made in the background until the first file needs it.
    pending: std::sync::Mutex<Option<std::thread::JoinHandle<std::io::Result<spare::Listing>>>>,
    /// The listing, or why the folder could not be emptied when it could not be listed.
    listing: std::sync::OnceLock<Result<spare::Listing, std::io::ErrorKind>>,
    /// The site-relative paths this build put in it.
    paths_put: std::sync::Mutex<rustc_hash::FxHashSet<String>>,
    /// Whether the build failed on the folder itself (a file it could not
    /// replace or remove): then it is not set aside for the next build to fail on.
    broken: std::sync::atomic::AtomicBool,
}

/// What writing the site did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written (new or changed).
    pub written: usize,
    /// Files identical to the previous build, kept as they were.
    pub kept: usize,
}

impl DiskSink {
    /// Prepares the staging folder beside `output` (call
    /// [`check_destination`](super::check_destination) first): a leftover of an earlier build when
    /// there is one (the others are removed in the background), else a new one.
    pub(crate) fn begin(output: &Path) -> Result<DiskSink, OutputError> {
        let output = absolute(output);
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = site_name(&output);
        std::fs::create_dir_all(&parent).map_err(io("creating the output's parent folder", &parent))?;
        let mut leftovers = spare::leftovers(&parent, &name, rustix::process::geteuid().as_raw());
        let staging = new_folder(&parent, &format!(".{name}.vigie-new-"), "creating the staging folder")?;
        // Renamed onto the new, empty folder: taken by this build alone, under a name of its own.
        let taken = leftovers.iter().position(|leftover| std::fs::rename(leftover, &staging).is_ok());
        let reused = taken.map(|i| {
            leftovers.remove(i);
            Reused {
                pending: std::sync::Mutex::new(Some(spare::list_in_background(staging.clone()))),
                listing: std::sync::OnceLock::new(),
                paths_put: std::sync::Mutex::new(rustc_hash::FxHashSet::default()),
                broken: false.into(),
            }
        });
        let cleanup = remove_in_background(leftovers);
        let marker = std::fs::symlink_metadata(output.join(MARKER)).ok().filter(std::fs::Metadata::is_file);
        let previous = marker.is_some().then(|| output.clone());
        let previous_marked = marker.and_then(|meta| meta.modified().ok());
        Ok(DiskSink {
            output,
            staging,
            previous,
            previous_marked,
            made: std::sync::Mutex::new(rustc_hash::FxHashSet::default()),
            written: 0.into(),
            kept: 0.into(),
            cleanup: Some(cleanup),
            reused,
        })
    }

    /// What the reused staging folder held when it was taken (waiting for
    /// its listing), or `None` for a new one. A folder that could not be
    /// listed whole is emptied instead.
    fn listing(&self) -> Result<Option<&spare::Listing>, OutputError> {
        let Some(reused) = &self.reused else { return Ok(None) };
        let listing = reused.listing.get_or_init(|| {
            let pending = reused.pending.lock().unwrap_or_else(|e| e.into_inner()).take();
            match pending.map(std::thread::JoinHandle::join) {
                Some(Ok(Ok(listing))) => {
                    let folders = listing.folders.iter().map(|f| self.staging.join(f));
                    self.made.lock().unwrap_or_else(|e| e.into_inner()).extend(folders);
                    Ok(listing)
                }
                _ => std::fs::remove_dir_all(&self.staging)
                    .and_then(|()| std::fs::create_dir(&self.staging))
                    .map(|()| spare::Listing::default())
                    .map_err(|e| e.kind()),
            }
        });
        match listing {
            Ok(listing) => Ok(Some(listing)),
            Err(kind) => Err(io("emptying the folder of an earlier build", &self.staging)((*kind).into())),
        }
    }

    /// Writes the marker (with `fingerprint`) and swaps the new site in.
    /// The previous site is moved aside, beside the output, where the next
    /// build stages its new site (making and removing thousands of folders
    /// and files is slow on a real disk, and nobody needs to wait for it).
    pub(crate) fn finish(mut self, fingerprint: &str) -> Result<WriteStats, OutputError> {
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        if let Err(e) = self.remove_unused() {
            self.mark_broken();
            self.discard_staging();
            return Err(e);
        }
        let marker = self.staging.join(MARKER);
        // Removed first: never written through a name that may be shared.
        let _ = std::fs::remove_file(&marker);
        if let Err(e) = std::fs::write(&marker, format!("{MARKER_TEXT}fingerprint: {fingerprint}\n")) {
            self.mark_broken();
            self.discard_staging();
            return Err(io("writing the marker file", &marker)(e));
        }
        if let Err(e) = swap_in(&self.staging, &self.output) {
            // The staging folder holds the new site again, unless a swap back failed.
            if is_vigies(&self.staging) {
                self.discard_staging();
            }
            return Err(e);
        }
        use std::sync::atomic::Ordering::Relaxed;
        Ok(WriteStats { written: self.written.load(Relaxed), kept: self.kept.load(Relaxed) })
    }

    /// Discards the staging folder; the previous output stays as it was.
    pub(crate) fn abort(mut self) {
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        self.discard_staging();
    }

    /// Records that the build failed on the reused staging folder itself.
    fn mark_broken(&self) {
        if let Some(reused) = &self.reused {
            reused.broken.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Removes a new staging folder. A reused one is set aside again under
    /// the name of a previous site, for the next build to take, unless the
    /// build failed on it: then it is removed, or, where that fails too,
    /// renamed out of the leftovers' pattern (`.NAME.vigie-unusable-*`),
    /// so that no later build takes it and fails the same way.
    fn discard_staging(&self) {
        let parent = self.staging.parent().unwrap_or(Path::new("/"));
        let name = site_name(&self.output);
        let set_aside = |prefix: &str| {
            let Ok(aside) = new_folder(parent, &format!(".{name}.{prefix}"), "setting a folder aside") else {
                return false;
            };
            let renamed = std::fs::rename(&self.staging, &aside).is_ok();
            if !renamed {
                let _ = std::fs::remove_dir(&aside);
            }
            renamed
        };
        if let Some(reused) = &self.reused {
            // Its listing is no longer needed, but its thread must not outlive the rename.
            let _ = reused.pending.lock().unwrap_or_else(|e| e.into_inner()).take().map(|t| t.join());
            if !reused.broken.load(std::sync::atomic::Ordering::Relaxed) && set_aside("vigie-old-") {
                return;
            }
        }
        if std::fs::remove_dir_all(&self.staging).is_err() && self.reused.is_some() {
            set_aside("vigie-unusable-");
        }
    }

    /// In a reused staging folder, removes what the new site does not have.
    fn remove_unused(&self) -> Result<(), OutputError> {
        let (Some(reused), Some(listing)) = (&self.reused, self.listing()?) else { return Ok(()) };
        listing.remove_unused(&self.staging, &reused.paths_put.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Creates `folder` and those of its ancestors inside the staging folder
    /// that no earlier file needed, top down: one `mkdir` per new folder and
    /// none that fails (`create_dir_all` tries the deepest first).
    fn make_folders(&self, folder: &Path) -> Result<(), OutputError> {
        let missing: Vec<PathBuf> = {
            let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            folder
                .ancestors()
                .take_while(|f| *f != self.staging && f.starts_with(&self.staging) && !made.contains(*f))
                .map(Path::to_path_buf)
                .collect()
        };
        for new in missing.iter().rev() {
            match std::fs::create_dir(new) {
                Ok(()) => {}
                // Another thread may have made it since (a folder, never a link to one).
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && is_folder(new) => {}
                // In a reused staging folder, a file (or a link) where the new site has a folder;
                // another thread may be replacing it too.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && self.was_a_file(new)? => {
                    match std::fs::remove_file(new) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound && !is_folder(new) => {
                            return Err(io("creating a folder", new)(e))
                        }
                        _ => {}
                    }
                    match std::fs::create_dir(new) {
                        Err(e) if !(e.kind() == std::io::ErrorKind::AlreadyExists && is_folder(new)) => {
                            return Err(io("creating a folder", new)(e))
                        }
                        _ => {}
                    }
                }
                Err(e) => return Err(io("creating a folder", new)(e)),
            }
        }
        self.made.lock().unwrap_or_else(|e| e.into_inner()).extend(missing);
        Ok(())
    }

    /// Whether `path` was a file of the reused staging folder when it was taken.
    fn was_a_file(&self, path: &Path) -> Result<bool, OutputError> {
        let rel = path.strip_prefix(&self.staging).ok().and_then(Path::to_str);
        Ok(self.listing()?.zip(rel).is_some_and(|(listing, rel)| listing.files.contains(rel)))
    }

    fn unchanged(&self, rel: &str, bytes: &[u8]) -> Option<(PathBuf, std::fs::Metadata)> {
        let old = self.previous.as_ref()?.join(rel);
        let meta = std::fs::symlink_metadata(&old).ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        (std::fs::read(&old).ok()? == bytes).then_some((old, meta))
    }
}

impl Sink for DiskSink {
    fn put(&self, rel: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.put_file(rel, bytes).inspect_err(|_| self.mark_broken())
    }
}

impl DiskSink {
    /// Stores one file in the staging folder: kept when the reused folder
    /// has it already, hard-linked when the deployed site has it, else written.
    fn put_file(&self, rel: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        use std::sync::atomic::Ordering::Relaxed;
        let path = self.make_room(rel)?;
        if let Some((old, meta)) = self.unchanged(rel, &bytes) {
            if self.link(&old, &meta, &path) {
                return Ok(());
            }
        }
        // Never write through an existing name: it may be a hard link into the previous output.
        let create = || std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
        let mut file = match create() {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&path).map_err(io("replacing a file", &path))?;
                create()
            }
            other => other,
        }
        .map_err(io("writing a file", &path))?;
        std::io::Write::write_all(&mut file, &bytes).map_err(io("writing a file", &path))?;
        self.written.fetch_add(1, Relaxed);
        Ok(())
    }

    /// Keeps the previous output's file `rel` in the new site as it is,
    /// without its bytes to compare: a render memo says the page would be
    /// the same. Only a file not changed since the build that made the
    /// output (no later than its marker) is kept; whether it was.
    pub(crate) fn keep(&self, rel: &str) -> bool {
        let (Some(previous), Some(marked)) = (&self.previous, self.previous_marked) else { return false };
        let old = previous.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&old) else { return false };
        let as_built = meta.is_file() && meta.modified().is_ok_and(|modified| modified <= marked);
        // Where anything fails, the page is rendered and put, which reports it.
        as_built && self.make_room(rel).is_ok_and(|path| self.link(&old, &meta, &path))
    }

    /// Makes room for the file `rel` in the staging folder (its folders;
    /// no folder of a reused one in its place) and records it as put; its path.
    fn make_room(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let path = self.staging.join(rel);
        if let (Some(reused), Some(listing)) = (&self.reused, self.listing()?) {
            reused.paths_put.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string());
            if listing.folders.contains(rel) {
                // A folder where the new site has a file.
                std::fs::remove_dir_all(&path).map_err(io("replacing a folder", &path))?;
            }
        }
        if let Some(parent) = path.parent() {
            self.make_folders(parent)?;
        }
        Ok(path)
    }

    /// Puts the previous output's file `old` (of metadata `old_meta`, read
    /// just before) at `path` as a hard link (a reused staging folder mostly
    /// holds one already); whether it could.
    fn link(&self, old: &Path, old_meta: &std::fs::Metadata, path: &Path) -> bool {
        let linked = (self.reused.is_some() && is_link_of(path, old_meta)) || {
            let _ = std::fs::remove_file(path);
            std::fs::hard_link(old, path).is_ok()
        };
        if linked {
            self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        linked
    }
}

/// Whether `path` is a folder itself, not a symbolic link to one.
fn is_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Whether `path` names the file of metadata `file` (a file, not a link
/// to one): one is a hard link of the other.
fn is_link_of(path: &Path, file: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).is_ok_and(|at| file.is_file() && at.dev() == file.dev() && at.ino() == file.ino())
}

/// Removes, on a thread of its own, the folders vigie left beside the output
/// that this build does not reuse: staging folders of killed builds and
/// sites set aside (they carry vigie's name pattern and nothing else does).
fn remove_in_background(leftovers: Vec<PathBuf>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for path in leftovers {
            let _ = std::fs::remove_dir_all(path);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{check_destination, Output};
    use std::collections::BTreeMap;

    /// Writes a whole in-memory site to `output` through a [`DiskSink`], as a build does.
    fn write_site(output: &Path, site: &Output) -> Result<WriteStats, OutputError> {
        let sink = DiskSink::begin(output)?;
        for (rel, bytes) in &site.files {
            if let Err(e) = sink.put(rel, bytes.to_vec()) {
                sink.abort();
                return Err(e);
            }
        }
        sink.finish("")
    }

    #[test]
    fn replaces_its_own_output_completely() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut first = Output::default();
        first.insert("a/index.html", b"one".to_vec());
        first.insert("gone.html", b"x".to_vec());
        write_site(&out, &first).expect("first build");
        let mut second = Output::default();
        second.insert("a/index.html", b"two".to_vec());
        check_destination(dir.path(), &out).expect("vigie's own folder is accepted");
        write_site(&out, &second).expect("second build");
        assert_eq!(std::fs::read(out.join("a/index.html")).expect("read"), b"two");
        assert!(!out.join("gone.html").exists(), "files of the old build are gone");
        let mut leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        leftovers.sort();
        assert_eq!(leftovers.len(), 2, "the site and the previous one set aside: {leftovers:?}");
        assert!(leftovers[0].starts_with(".public.vigie-old-") && leftovers[1] == "public", "{leftovers:?}");
        let mut third = Output::default();
        third.insert("a/index.html", b"three".to_vec());
        write_site(&out, &third).expect("third build");
        let names = beside(dir.path());
        assert_eq!(names.len(), 1, "the older previous site was removed: {names:?}");
        assert_eq!(
            std::fs::read(dir.path().join(&names[0]).join("a/index.html")).expect("read"),
            b"two",
            "only the last previous site is kept"
        );
    }

    /// Every file and folder under `dir`, folders as `path/`, files with their bytes.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.expect("walk"))
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().into_owned();
                if e.file_type().is_dir() {
                    (format!("{rel}/"), Vec::new())
                } else {
                    (rel, std::fs::read(e.path()).expect("read"))
                }
            })
            .collect()
    }

    /// What `tree` must find for `site`: its files, their folders and the marker.
    fn expected(site: &Output) -> BTreeMap<String, Vec<u8>> {
        let mut all: BTreeMap<String, Vec<u8>> = site.files.iter().map(|(p, b)| (p.clone(), b.to_vec())).collect();
        for path in site.files.keys() {
            all.extend(spare::ancestors(path).map(|f| (format!("{f}/"), Vec::new())));
        }
        all.insert(MARKER.to_string(), format!("{MARKER_TEXT}fingerprint: \n").into_bytes());
        all
    }

    fn site(files: &[(&str, &str)]) -> Output {
        let mut site = Output::default();
        for (path, text) in files {
            site.insert(*path, text.as_bytes().to_vec());
        }
        site
    }

    /// The names in `dir` other than `public`: what vigie left beside the output.
    fn beside(dir: &Path) -> Vec<String> {
        let names = std::fs::read_dir(dir).expect("ls").flatten();
        names.map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n != "public").collect()
    }

    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).expect("stat"))
    }

    #[test]
    fn each_rebuild_leaves_exactly_the_new_site_in_the_folder_of_the_site_before_last() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let builds = [
            site(&[("index.html", "one"), ("a/b/index.html", "ab"), ("gone/x.html", "x"), ("same.css", "s")]),
            site(&[("index.html", "two"), ("a/b/index.html", "ab"), ("new/y.html", "y"), ("same.css", "s")]),
            // A file where a folder was, a folder where a file was, a whole folder gone.
            site(&[("index.html", "three"), ("a", "a is a file"), ("same.css/z.html", "z"), ("new/y.html", "y2")]),
            site(&[("index.html", "four"), ("a/b/index.html", "ab again"), ("same.css", "s")]),
            site(&[("index.html", "four"), ("a/b/index.html", "ab again"), ("same.css", "s")]),
        ];
        write_site(&out, &builds[0]).expect("build 1");
        write_site(&out, &builds[1]).expect("build 2");
        assert_eq!(tree(&out), expected(&builds[1]));
        for (i, build) in builds.iter().enumerate().skip(2) {
            let stats = write_site(&out, build).unwrap_or_else(|e| panic!("build {}: {e}", i + 1));
            assert_eq!(tree(&out), expected(build), "build {}", i + 1);
            let aside = beside(dir.path());
            assert_eq!(aside.len(), 1, "build {}: one site set aside: {aside:?}", i + 1);
            assert_eq!(tree(&dir.path().join(&aside[0])), expected(&builds[i - 1]), "build {}: the site before", i + 1);
            if i == 4 {
                assert_eq!(stats, WriteStats { written: 0, kept: 3 }, "nothing changed");
            }
        }
        assert_eq!(std::fs::read(out.join("index.html")).expect("read"), b"four");
    }

    #[test]
    fn an_unchanged_file_keeps_its_inode_across_rebuilds() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        write_site(&out, &site(&[("index.html", "1"), ("post/index.html", "p")])).expect("build");
        let kept = inode(&out.join("post/index.html"));
        for n in 2..6 {
            let stats =
                write_site(&out, &site(&[("index.html", &n.to_string()), ("post/index.html", "p")])).expect("rebuild");
            assert_eq!(stats, WriteStats { written: 1, kept: 1 }, "build {n}");
            assert_eq!(inode(&out.join("post/index.html")), kept, "build {n}");
        }
    }

    #[test]
    fn a_leftover_taken_over_is_emptied_of_what_the_new_site_does_not_have() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        write_site(&out, &site(&[("index.html", "old")])).expect("build");
        // What a killed build left: a stale page, a stale folder, a changed copy, a link.
        let stale = dir.path().join(".public.vigie-new-killed");
        std::fs::create_dir_all(stale.join("deep/er")).expect("mkdir");
        std::fs::write(stale.join("deep/er/stale.html"), "stale").expect("write");
        std::fs::write(stale.join("index.html"), "half written").expect("write");
        let elsewhere = tempfile::NamedTempFile::new().expect("tempfile");
        std::fs::write(elsewhere.path(), "not vigie's").expect("write");
        std::os::unix::fs::symlink(elsewhere.path(), stale.join("kept.html")).expect("symlink");
        let new = site(&[("index.html", "old"), ("kept.html", "mine")]);
        write_site(&out, &new).expect("build");
        assert_eq!(tree(&out), expected(&new));
        assert_eq!(std::fs::read(elsewhere.path()).expect("read"), b"not vigie's", "written through the link");
        assert!(!stale.exists(), "the leftover was taken over");
    }

    #[test]
    fn a_link_to_a_folder_in_a_leftover_is_replaced_never_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let elsewhere = tempfile::tempdir().expect("tempdir");
        std::fs::write(elsewhere.path().join("page.html"), "not vigie's").expect("write");
        let out = dir.path().join("public");
        write_site(&out, &site(&[("index.html", "old")])).expect("build");
        let stale = dir.path().join(".public.vigie-old-linked");
        std::fs::create_dir(&stale).expect("mkdir");
        std::os::unix::fs::symlink(elsewhere.path(), stale.join("a")).expect("symlink");
        std::os::unix::fs::symlink(elsewhere.path(), stale.join("b")).expect("symlink");
        let new = site(&[("index.html", "new"), ("a/page.html", "mine"), ("b/deeper/page.html", "mine too")]);
        write_site(&out, &new).expect("build");
        assert_eq!(tree(&out), expected(&new), "real folders in the new site");
        assert_eq!(tree(elsewhere.path()), BTreeMap::from([("page.html".into(), b"not vigie's".to_vec())]));
    }

    #[test]
    fn a_reused_folder_the_build_failed_on_is_removed_not_set_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        write_site(&out, &site(&[("index.html", "1")])).expect("build 1");
        write_site(&out, &site(&[("index.html", "2")])).expect("build 2");
        let too_long = format!("{}/index.html", "x".repeat(300));
        let error = write_site(&out, &site(&[("index.html", "3"), (&too_long, "y")])).expect_err("a name too long");
        assert!(matches!(error, OutputError::Io { .. }), "{error}");
        assert_eq!(tree(&out), expected(&site(&[("index.html", "2")])), "the output is untouched");
        let names = beside(dir.path());
        assert!(names.is_empty(), "nothing left for the next build to fail on: {names:?}");
        write_site(&out, &site(&[("index.html", "4")])).expect("build 4");
        assert_eq!(tree(&out), expected(&site(&[("index.html", "4")])));
    }

    #[test]
    fn a_failed_build_sets_a_reused_folder_aside_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        write_site(&out, &site(&[("index.html", "1")])).expect("build 1");
        write_site(&out, &site(&[("index.html", "2")])).expect("build 2");
        let sink = DiskSink::begin(&out).expect("begin");
        assert!(sink.reused.is_some(), "the site before last is taken over");
        sink.put("index.html", b"3".to_vec()).expect("put");
        sink.abort();
        assert_eq!(tree(&out), expected(&site(&[("index.html", "2")])), "the output is untouched");
        let names = beside(dir.path());
        assert!(names.len() == 1 && names[0].starts_with(".public.vigie-old-"), "{names:?}");
        write_site(&out, &site(&[("index.html", "4")])).expect("build 4");
        assert_eq!(tree(&out), expected(&site(&[("index.html", "4")])));
    }

    #[test]
    fn a_staging_folder_left_by_a_killed_build_never_leaks_into_the_new_site() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        // What a killed build of a process with the same number (PID 1 in a container) left.
        let stale = dir.path().join(format!(".public.vigie-new-{}", std::process::id()));
        std::fs::create_dir_all(&stale).expect("mkdir");
        std::fs::write(stale.join("stale.html"), "from the killed build").expect("write");
        let mut site = Output::default();
        site.insert("index.html", b"new".to_vec());
        write_site(&out, &site).expect("build");
        assert!(!out.join("stale.html").exists(), "the new site holds a file of the killed build");
        assert_eq!(std::fs::read(out.join("index.html")).expect("read"), b"new");
        assert!(!stale.exists(), "the leftover is removed");
    }

    #[test]
    fn a_folder_put_in_place_of_the_output_during_the_build_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut first = Output::default();
        first.insert("index.html", b"one".to_vec());
        write_site(&out, &first).expect("first build");
        let sink = DiskSink::begin(&out).expect("begin");
        sink.put("index.html", b"two".to_vec()).expect("put");
        // Between the check and the swap, someone's folder takes the output's place.
        std::fs::rename(&out, dir.path().join("moved")).expect("mv");
        std::fs::create_dir(&out).expect("mkdir");
        std::fs::write(out.join("notes.txt"), "mine").expect("write");
        let error = sink.finish("").expect_err("the swap must be refused");
        assert!(matches!(error, OutputError::Refused { .. }), "{error}");
        assert_eq!(std::fs::read(out.join("notes.txt")).expect("the folder is back in place"), b"mine");
        assert!(!out.join(MARKER).exists() && !out.join("index.html").exists(), "the new site was not swapped in");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("vigie-new"))
            .collect();
        assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
    }
}
