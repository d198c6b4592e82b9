//! Watches the site's sources: `content/`, `site.toml`, `themes/`,
//! `templates/` and `static/`. Folders are watched rather than files, so that
//! editors that save by writing a temporary file and renaming it over the
//! original are seen; editor temporary files and the output folder are
//! ignored, and bursts of events are coalesced.

use notify::event::EventKind;
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// The folders and files whose changes trigger a rebuild.
pub(crate) const WATCHED: [&str; 5] = ["content", "themes", "templates", "static", "site.toml"];

/// How long a burst of events is waited for before a rebuild.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(20);

/// A running watcher; dropping it stops watching.
pub(crate) enum SourceWatcher {
    /// Native file system events (inotify on Linux).
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    /// Polling, for file systems whose events are unreliable.
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

/// Starts watching the site at `root`; sends the changed paths on `changes`.
/// `output` (the build output folder) is ignored.
pub(crate) fn watch(
    root: &Path,
    output: &Path,
    poll: bool,
    changes: Sender<Vec<PathBuf>>,
) -> notify::Result<SourceWatcher> {
    let root = root.canonicalize()?;
    let output = output.canonicalize().unwrap_or_else(|_| output.to_path_buf());
    let filter_root = root.clone();
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| {
                matches!(
                    e.event.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
                )
            })
            .flat_map(|e| e.event.paths.iter())
            .filter(|p| is_relevant(&filter_root, &output, p))
            .cloned()
            .collect();
        if !paths.is_empty() {
            let _ = changes.send(paths);
        }
    };
    // The poll watcher compares modification times in whole seconds: compare
    // contents too, or two saves within a second would be missed.
    let config = notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(poll);
    let mut watcher = if poll {
        SourceWatcher::Poll(new_debouncer_opt(DEBOUNCE, None, handler, RecommendedCache::new(), config)?)
    } else {
        SourceWatcher::Native(new_debouncer_opt(DEBOUNCE, None, handler, RecommendedCache::new(), config)?)
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

impl SourceWatcher {
    fn add(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            SourceWatcher::Native(d) => d.watch(path, mode),
            SourceWatcher::Poll(d) => d.watch(path, mode),
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
}
