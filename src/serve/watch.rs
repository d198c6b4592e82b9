//! Watches the site's sources for `vigie serve`: `content/`, `site.toml`,
//! `themes/`, `templates/` and `static/`. Folders are watched rather than
//! files, so that editors that save by writing a temporary file and
//! renaming it over the original are seen; editor temporary files and the
//! output folder are ignored.
//!
//! A save is passed on as soon as it is complete rather than after a fixed
//! wait: a file written in place counts once it is closed, a rename or a
//! removal at once; what is still open for writing is waited for (up to
//! [`SETTLE`]), so that a half-written file is never built. What arrives
//! within [`QUIET`] of the last event goes into the same rebuild.

use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The folders and files whose changes trigger a rebuild.
pub(crate) const WATCHED: [&str; 5] = ["content", "themes", "templates", "static", "site.toml"];

/// How long after its last event a file still open for writing is waited
/// for before it is built anyway (a writer that never closes it, or a
/// watcher that does not tell closes, as polling).
pub(crate) const SETTLE: Duration = Duration::from_millis(20);

/// How long a burst of complete changes is waited for before the rebuild:
/// the events of one save (a rename and the removal of a backup, several
/// files written by one command) arrive within it.
pub(crate) const QUIET: Duration = Duration::from_millis(2);

/// A running watcher; dropping it stops watching (and ends the settling thread).
pub(crate) enum SourceWatcher {
    /// Native file system events (inotify on Linux).
    Native(RecommendedWatcher),
    /// Polling, for file systems whose events are unreliable.
    Poll(PollWatcher),
}

/// Starts watching the site at `root`; sends the changed paths on `changes`,
/// a batch per rebuild. `output` (the build output folder) is ignored.
pub(crate) fn watch(
    root: &Path,
    output: &Path,
    poll: bool,
    changes: Sender<Vec<PathBuf>>,
) -> notify::Result<SourceWatcher> {
    let root = root.canonicalize()?;
    let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
    let (events, settling) = channel::<(Write, PathBuf)>();
    let filter_root = root.clone();
    let handler = move |result: notify::Result<Event>| {
        let Ok(event) = result else { return };
        let Some(write) = Write::of(&event.kind) else { return };
        for path in event.paths.into_iter().filter(|p| is_relevant(&filter_root, &output, p)) {
            let _ = events.send((write, path));
        }
    };
    std::thread::spawn(move || {
        let mut pending = Settling::default();
        loop {
            let received = match pending.due() {
                Some(due) => settling.recv_timeout(due.saturating_duration_since(Instant::now())),
                None => settling.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match received {
                Ok((write, path)) => pending.record(write, path, Instant::now()),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if pending.due().is_some_and(|due| due <= Instant::now()) && changes.send(pending.take()).is_err() {
                return;
            }
        }
    });
    // The poll watcher compares modification times in whole seconds: compare
    // contents too, or two saves within a second would be missed.
    let config = notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(poll);
    let mut watcher = if poll {
        SourceWatcher::Poll(PollWatcher::new(handler, config)?)
    } else {
        SourceWatcher::Native(RecommendedWatcher::new(handler, config)?)
    };
    // The root itself, not recursively: site.toml, and folders created later.
    watcher.add(&root, RecursiveMode::NonRecursive)?;
    for name in WATCHED {
        let path = root.join(name);
        if path.is_dir() {
            watcher.add(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(watcher)
}

/// What an event says of its path's writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    /// Being written: data changed or a file created, not yet closed.
    Open,
    /// Written and closed, renamed, removed, a folder made: complete.
    Done,
}

impl Write {
    /// `None` for events that change nothing (a file read or opened).
    fn of(kind: &EventKind) -> Option<Write> {
        match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Write::Done),
            EventKind::Access(_) | EventKind::Other => None,
            EventKind::Create(CreateKind::Folder) => Some(Write::Done),
            EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Metadata(_)) | EventKind::Remove(_) => {
                Some(Write::Done)
            }
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Any => Some(Write::Open),
        }
    }
}

/// The changes gathered for the next rebuild, and which files are still
/// being written.
#[derive(Debug, Default)]
struct Settling {
    paths: Vec<PathBuf>,
    open: HashSet<PathBuf>,
    last: Option<Instant>,
}

impl Settling {
    fn record(&mut self, write: Write, path: PathBuf, at: Instant) {
        match write {
            Write::Open => self.open.insert(path.clone()),
            Write::Done => self.open.remove(&path),
        };
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
        self.last = Some(at);
    }

    /// When the gathered changes are to be built: shortly after the last
    /// event when every file is complete, later while one is still open.
    fn due(&self) -> Option<Instant> {
        let wait = if self.open.is_empty() { QUIET } else { SETTLE };
        self.last.map(|last| last + wait)
    }

    /// The gathered paths, and a fresh start.
    fn take(&mut self) -> Vec<PathBuf> {
        std::mem::take(self).paths
    }
}

impl SourceWatcher {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            SourceWatcher::Native(w) => w.watch(path, mode),
            SourceWatcher::Poll(w) => w.watch(path, mode),
        }
    }

    /// Starts watching a source folder created after start-up (e.g. a new `templates/`).
    pub(crate) fn add_folder(&mut self, path: &Path) {
        let _ = self.add(path, RecursiveMode::Recursive);
    }
}

/// Whether a change to `path` can change the site: inside a watched source,
/// not in the output, not an editor's temporary file.
pub(crate) fn is_relevant(root: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components();
    let Some(first) = parts.next() else { return false };
    let first = first.as_os_str().to_string_lossy();
    if !WATCHED.contains(&first.as_ref()) {
        return false;
    }
    !crate::paths::has_ignored_part(rel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, MetadataKind, RemoveKind, RenameMode};

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        assert!(is_relevant(root, out, Path::new("/site/content/2024/a.md")));
        assert!(is_relevant(root, out, Path::new("/site/site.toml")));
        assert!(is_relevant(root, out, Path::new("/site/themes/default/templates/base.html")));
        assert!(is_relevant(root, out, Path::new("/site/content/2024")), "a folder created or removed");
        assert!(!is_relevant(root, out, Path::new("/site/public/index.html")));
        assert!(!is_relevant(root, out, Path::new("/site/content/.a.md.swp")));
        assert!(!is_relevant(root, out, Path::new("/site/content/a.md~")));
        assert!(!is_relevant(root, out, Path::new("/site/target/debug/x")));
        assert!(!is_relevant(root, out, Path::new("/site/.git/index")));
        assert!(!is_relevant(root, out, Path::new("/elsewhere/content/a.md")));
    }

    #[test]
    fn events_say_whether_a_write_is_complete() {
        let data = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert_eq!(Write::of(&data), Some(Write::Open));
        assert_eq!(Write::of(&EventKind::Create(CreateKind::File)), Some(Write::Open), "created, then written");
        assert_eq!(Write::of(&EventKind::Access(AccessKind::Close(AccessMode::Write))), Some(Write::Done));
        assert_eq!(Write::of(&EventKind::Modify(ModifyKind::Name(RenameMode::To))), Some(Write::Done));
        assert_eq!(Write::of(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))), Some(Write::Done));
        assert_eq!(Write::of(&EventKind::Remove(RemoveKind::File)), Some(Write::Done));
        assert_eq!(Write::of(&EventKind::Create(CreateKind::Folder)), Some(Write::Done));
        assert_eq!(Write::of(&EventKind::Access(AccessKind::Open(AccessMode::Any))), None, "a read changes nothing");
        assert_eq!(Write::of(&EventKind::Any), Some(Write::Open), "unknown: waited for");
    }

    #[test]
    fn a_closed_file_is_built_at_once_an_open_one_waited_for() {
        let (a, b) = (PathBuf::from("/site/content/a.md"), PathBuf::from("/site/content/b.md"));
        let t0 = Instant::now();
        let mut settling = Settling::default();
        assert_eq!(settling.due(), None, "nothing to build");
        settling.record(Write::Open, a.clone(), t0);
        assert_eq!(settling.due(), Some(t0 + SETTLE), "being written: waited for");
        let t1 = t0 + Duration::from_millis(1);
        settling.record(Write::Done, a.clone(), t1);
        assert_eq!(settling.due(), Some(t1 + QUIET), "closed: built after a short quiet");
        settling.record(Write::Open, b.clone(), t1);
        assert_eq!(settling.due(), Some(t1 + SETTLE), "another file still open holds the batch");
        settling.record(Write::Done, b.clone(), t1);
        assert_eq!(settling.take(), vec![a, b], "each path once, in the order first seen");
        assert_eq!(settling.due(), None, "a fresh start");
    }
}
