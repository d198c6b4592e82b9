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
    load(root, config, include_drafts)
}

/// What the last load parsed, by file, with the size and modification time
/// it had: `vigie serve` re-parses only the files that changed since.
#[derive(Default)]
pub struct ParseCache {
    files: rustc_hash::FxHashMap<PathBuf, (u64, Option<SystemTime>, Parsed)>,
    walk_errors: Vec<Diagnostic>,
}

impl ParseCache {
    /// What the changes to `changed` (paths as the walk gives them) mean for
    /// the cached files, when they are plain file edits, creations or
    /// deletions that need no new walk of `content/`: the files to parse
    /// again and those to forget.
    fn plan(&self, root: &Path, changed: &[PathBuf]) -> Option<(Vec<PathBuf>, Vec<PathBuf>)> {
        if self.files.is_empty() {
            return None;
        }
        let (mut parse, mut forget) = (Vec::new(), Vec::new());
        for path in changed {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_file() => {
                    let inside = path.strip_prefix(root.join(load::CONTENT_DIR)).ok()?;
                    let ignored = inside.components().any(|c| load::is_ignored(c.as_os_str()));
                    if load::is_markdown(path) && !ignored && !parse.contains(path) {
                        parse.push(path.clone());
                    }
                }
                Ok(_) => return None, // a folder or a link: walk again
                Err(_) if self.files.contains_key(path) => forget.push(path.clone()),
                // A removed folder that held posts: walk again.
                Err(_) if self.files.keys().any(|f| f.starts_with(path)) => return None,
                // A temporary file of an editor, or a post that came and went.
                Err(_) => {}
            }
        }
        Some((parse, forget))
    }
}

/// [`load_content`], re-parsing only the files whose size or modification
/// time changed since the load that filled `cache` (which must have been
/// made with the same configuration). With `changed` (the paths a watcher
/// saw change), files are not even looked at again unless they changed.
pub fn load_content_cached(
    root: &Path,
    config: &SiteConfig,
    include_drafts: bool,
    cache: &mut ParseCache,
    changed: Option<&[PathBuf]>,
) -> Result<Content, Diagnostics> {
    let markdown = Markdown::new(config.allow_html).for_language(&config.language);
    let cx = ParseContext { config, markdown: &markdown };
    if let Some((parse, forget)) = changed.and_then(|changed| cache.plan(root, changed)) {
        for path in &forget {
            cache.files.remove(path);
        }
        let parsed: Vec<_> = parse.par_iter().map(|path| (stamp(path), parse_file(root, path, &cx))).collect();
        for (path, ((len, modified), parsed)) in parse.into_iter().zip(parsed) {
            cache.files.insert(path, (len, modified, parsed));
        }
        let parsed = cache.files.values().map(|(_, _, parsed)| parsed);
        return assemble(parsed, cache.walk_errors.clone(), include_drafts);
    }
    let (files, diagnostics) = load::find_sources(root);
    cache.walk_errors = diagnostics.clone();
    let old = std::mem::take(&mut cache.files);
    let seen_changed: std::collections::HashSet<&PathBuf> = changed.unwrap_or_default().iter().collect();
    let parsed: Vec<_> = files
        .par_iter()
        .map(|path| {
            let (len, modified) = stamp(path);
            match old.get(path) {
                Some((l, m, parsed))
                    if (*l, *m) == (len, modified) && modified.is_some() && !seen_changed.contains(path) =>
                {
                    (len, modified, parsed.clone())
                }
                _ => (len, modified, parse_file(root, path, &cx)),
            }
        })
        .collect();
    cache.files = files.into_iter().zip(parsed).collect();
    assemble(cache.files.values().map(|(_, _, parsed)| parsed), diagnostics, include_drafts)
}

/// A file's size and modification time, to tell whether it changed.
fn stamp(path: &Path) -> (u64, Option<SystemTime>) {
    let meta = std::fs::metadata(path).ok();
    (meta.as_ref().map_or(0, |m| m.len()), meta.and_then(|m| m.modified().ok()))
}

/// Reads and parses one source file.
fn parse_file(root: &Path, path: &Path, cx: &ParseContext<'_>) -> Parsed {
    let source = load::read_source(root, path);
    match source.text {
        Ok(text) => parse_incident(&source.path, &text, cx),
        Err(d) => Parsed { incident: None, diagnostics: vec![d] },
    }
}

fn load(root: &Path, config: &SiteConfig, include_drafts: bool) -> Result<Content, Diagnostics> {
    let (files, diagnostics) = load::find_sources(root);
    let markdown = Markdown::new(config.allow_html).for_language(&config.language);
    let cx = ParseContext { config, markdown: &markdown };
    let parsed: Vec<Parsed> = files.par_iter().map(|path| parse_file(root, path, &cx)).collect();
    assemble(parsed.iter(), diagnostics, include_drafts)
}

/// The content made of the parsed files: every diagnostic of every file, or
/// the incidents sorted newest first.
fn assemble<'p>(
    parsed: impl Iterator<Item = &'p Parsed>,
    mut diagnostics: Vec<Diagnostic>,
    include_drafts: bool,
) -> Result<Content, Diagnostics> {
    let mut incidents = Vec::new();
    for p in parsed {
        diagnostics.extend(p.diagnostics.iter().cloned());
        incidents.extend(p.incident.iter().filter(|i| include_drafts || !i.draft).cloned());
    }
    diagnostics.extend(duplicate_urls(&incidents));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Warnings are shown with the errors: the author fixes everything at once.
        return Err(Diagnostics(diagnostics).sorted());
    }
    sort_newest_first(&mut incidents);
    Ok(Content { incidents, warnings: Diagnostics(diagnostics).sorted().0 })
}

/// Sorts by start, newest first; ties by URL so that the order is stable.
pub fn sort_newest_first(incidents: &mut [Arc<Incident>]) {
    // Unstable is enough: no two incidents have the same URL.
    incidents.par_sort_unstable_by(|a, b| b.start.cmp(&a.start).then_with(|| a.path.cmp(&b.path)));
}

fn duplicate_urls(incidents: &[Arc<Incident>]) -> Vec<Diagnostic> {
    let mut by_url: rustc_hash::FxHashMap<&str, &Incident> = Default::default();
    by_url.reserve(incidents.len());
    let mut shared: Vec<&str> = incidents.iter().filter_map(|i| by_url.insert(&i.path, i).map(|_| &*i.path)).collect();
    shared.sort_unstable();
    shared.dedup();
    let mut errors = Vec::new();
    for url in shared {
        let mut same: Vec<&Incident> = incidents.iter().filter(|i| i.path == url).map(|i| &**i).collect();
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
