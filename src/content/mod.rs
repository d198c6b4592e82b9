//! Stage 1 and 2: load → parse → model. Walks `content/`, parses every
//! incident file in parallel and validates it against the site, reporting
//! every problem of every file at once.

pub mod dates;
pub mod front_matter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use markdown::Markdown;
use model::Incident;
use parse::Parsed;
use parse::{parse_incident, ParseContext};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The incidents of a site, sorted newest first, and the warnings found.
pub struct Content {
    /// Valid incidents (drafts only when asked for), newest start first.
    pub incidents: Vec<Arc<Incident>>,
    /// Warnings to show the author.
    pub warnings: Vec<Diagnostic>,
}

/// Loads and validates every incident under `root/content`. With
/// `include_drafts` false, drafts are left out (but still validated).
pub fn load_content(root: &Path, config: &SiteConfig, include_drafts: bool) -> Result<Content, Diagnostics> {
    load(root, config, include_drafts, None, None)
}

/// What the last load parsed, by file, with the size and modification time
/// it had: `vigie serve` re-parses only the files that changed since.
#[derive(Default)]
pub struct ParseCache {
    files: rustc_hash::FxHashMap<PathBuf, (u64, Option<SystemTime>, Parsed)>,
    walk_errors: Vec<Diagnostic>,
}

impl ParseCache {
    /// The source files after the changes to `changed` (paths as the walk
    /// gives them), when those changes are plain file edits, creations or
    /// deletions that need no new walk of `content/`.
    fn patched_files(&self, root: &Path, changed: &[PathBuf]) -> Option<Vec<PathBuf>> {
        if self.files.is_empty() {
            return None;
        }
        // The order of the files does not matter: incidents are sorted after parsing.
        let mut added: Vec<PathBuf> = Vec::new();
        let mut removed: std::collections::HashSet<&Path> = std::collections::HashSet::new();
        for path in changed {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_file() => {
                    let inside = path.strip_prefix(root.join(load::CONTENT_DIR)).ok()?;
                    let ignored = inside.components().any(|c| load::is_ignored(c.as_os_str()));
                    if load::is_markdown(path) && !ignored && !self.files.contains_key(path) && !added.contains(path) {
                        added.push(path.clone());
                    }
                }
                Ok(_) => return None, // a folder or a link: walk again
                Err(_) if self.files.contains_key(path) => {
                    removed.insert(path);
                }
                // A removed folder that held posts: walk again.
                Err(_) if self.files.keys().any(|f| f.starts_with(path)) => return None,
                // A temporary file of an editor, or a post that came and went.
                Err(_) => {}
            }
        }
        let kept = self.files.keys().filter(|f| !removed.contains(f.as_path())).cloned();
        Some(kept.chain(added).collect())
    }
}

/// [`load_content`], re-parsing only the files whose size or modification
/// time changed since the load that filled `cache` (which must have been
/// made with the same configuration).
/// When `changed` is given (paths under `content/` that the watcher saw
/// change, as `root.join(…)` gives them), and they are plain file changes,
/// the folder is not walked again and only those files are read.
pub fn load_content_cached(
    root: &Path,
    config: &SiteConfig,
    include_drafts: bool,
    cache: &mut ParseCache,
    changed: Option<&[PathBuf]>,
) -> Result<Content, Diagnostics> {
    load(root, config, include_drafts, Some(cache), changed)
}

fn load(
    root: &Path,
    config: &SiteConfig,
    include_drafts: bool,
    mut cache: Option<&mut ParseCache>,
    changed: Option<&[PathBuf]>,
) -> Result<Content, Diagnostics> {
    let patched = cache.as_deref().zip(changed).and_then(|(c, changed)| c.patched_files(root, changed));
    let trusted = patched.is_some();
    let (files, mut diagnostics) = match patched {
        Some(files) => (files, cache.as_deref().map(|c| c.walk_errors.clone()).unwrap_or_default()),
        None => load::find_sources(root),
    };
    if let Some(cache) = cache.as_deref_mut() {
        cache.walk_errors = diagnostics.clone();
    }
    let changed: std::collections::HashSet<&PathBuf> = changed.unwrap_or_default().iter().collect();
    let markdown = Markdown::new(config.allow_html);
    let cx = ParseContext { config, markdown: &markdown };
    let old = cache.as_deref_mut().map(|c| std::mem::take(&mut c.files)).unwrap_or_default();
    let parsed: Vec<_> = files
        .par_iter()
        .map(|path| {
            if let (true, false, Some((len, modified, parsed))) = (trusted, changed.contains(path), old.get(path)) {
                // The watcher saw no change to this file.
                return (path.clone(), (*len, *modified), parsed.clone());
            }
            let meta = std::fs::metadata(path).ok();
            let stamp = (meta.as_ref().map_or(0, |m| m.len()), meta.and_then(|m| m.modified().ok()));
            if let Some((len, modified, parsed)) = old.get(path) {
                if (*len, *modified) == stamp && stamp.1.is_some() && !changed.contains(path) {
                    return (path.clone(), stamp, parsed.clone());
                }
            }
            let source = load::read_source(root, path);
            let parsed = match source.text {
                Ok(text) => parse_incident(&source.path, &text, &cx),
                Err(d) => parse::Parsed { incident: None, diagnostics: vec![d] },
            };
            (path.clone(), stamp, parsed)
        })
        .collect();
    let parsed: Vec<Parsed> = parsed
        .into_iter()
        .map(|(path, (len, modified), p)| {
            if let Some(cache) = cache.as_deref_mut() {
                cache.files.insert(path, (len, modified, p.clone()));
            }
            p
        })
        .collect();
    let mut incidents = Vec::with_capacity(parsed.len());
    for p in parsed {
        diagnostics.extend(p.diagnostics);
        incidents.extend(p.incident);
    }
    incidents.retain(|i| include_drafts || !i.draft);
    diagnostics.extend(duplicate_urls(&incidents));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Warnings are shown with the errors: the author fixes everything at once.
        return Err(Diagnostics(diagnostics).sorted());
    }
    let warnings = diagnostics;
    sort_newest_first(&mut incidents);
    Ok(Content { incidents, warnings: Diagnostics(warnings).sorted().0 })
}

/// Sorts by start, newest first; ties by URL so that the order is stable.
pub fn sort_newest_first(incidents: &mut [Arc<Incident>]) {
    incidents.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.path.cmp(&b.path)));
}

fn duplicate_urls(incidents: &[Arc<Incident>]) -> Vec<Diagnostic> {
    let mut by_url: HashMap<&str, Vec<&Incident>> = HashMap::with_capacity(incidents.len());
    for incident in incidents {
        by_url.entry(&incident.path).or_default().push(incident);
    }
    let mut errors = Vec::new();
    for mut same in by_url.into_values().filter(|same| same.len() > 1) {
        same.sort_by(|a, b| a.source.cmp(&b.source));
        let first = same[0];
        for incident in &same[1..] {
            errors.push(
                Diagnostic::error(
                    &incident.source,
                    (1, 1),
                    format!("this incident would have the same URL /{} as {}", incident.path, first.source.display()),
                )
                .with_hint("give one of them a different title, or set slug = \"…\" in its front matter"),
            );
        }
    }
    errors
}
