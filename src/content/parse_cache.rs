//! Stages 1–3 (load, parse, model), from one load to the next: what was
//! parsed, each source file's parse with the file's stamp then (size,
//! modification time, inode and status-change time: [`FileStamp`]), so
//! that only the files that changed are parsed again.
//! `vigie serve` keeps it in memory; `vigie build` keeps its posts beside
//! the output with the render memo ([`crate::render::memo_file`]). Built on
//! the content stage's own steps (walk, parse a file, assemble).

use crate::config::SiteConfig;
use crate::content::model::Incident;
use crate::content::parse::{ParseContext, Parsed};
use crate::content::{assemble, load, parse_file, with_parser, BodyBudget, Content, KEPT_BODIES_BYTES};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::FileStamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the last load parsed, by file, with the file's stamp then:
/// `vigie serve` re-parses only the files that changed since.
#[derive(Default)]
pub(crate) struct ParseCache {
    files: rustc_hash::FxHashMap<PathBuf, (Option<FileStamp>, Parsed)>,
    walk_errors: Vec<Diagnostic>,
    /// How many loads were made (each content is numbered by its load).
    loads: u64,
    /// The incidents and warnings of the last load, when it succeeded: what
    /// the next load patches when only some posts changed in place.
    last: Option<(u64, Vec<Arc<Incident>>, Vec<Diagnostic>)>,
}

/// The posts of a cache in the form kept on disk: each file that parsed
/// without a finding, with its stamp then. A file with errors or warnings
/// is parsed again by the next load, which reports them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SavedParses(Vec<(String, FileStamp, Arc<Incident>)>);

impl From<Vec<(String, FileStamp, Arc<Incident>)>> for SavedParses {
    /// The posts a memo file stores, read back.
    fn from(posts: Vec<(String, FileStamp, Arc<Incident>)>) -> SavedParses {
        SavedParses(posts)
    }
}

impl SavedParses {
    /// The posts kept, in path order: what the memo file stores.
    pub(crate) fn posts(&self) -> &[(String, FileStamp, Arc<Incident>)] {
        &self.0
    }
}

impl ParseCache {
    /// The posts it holds, to keep on disk.
    pub(crate) fn saved(&self) -> SavedParses {
        let mut saved: Vec<_> = self
            .files
            .iter()
            .filter_map(|(path, (stamp, parsed))| match (path.to_str(), stamp, &parsed.incident) {
                (Some(path), Some(stamp), Some(incident)) if parsed.diagnostics.is_empty() && stamp.is_telling() => {
                    Some((path.to_string(), *stamp, incident.clone()))
                }
                _ => None,
            })
            .collect();
        // In file order: two builds of the same site leave the same bytes.
        saved.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        SavedParses(saved)
    }

    /// A cache holding the posts of `saved`, for a load that reads the
    /// same site with the same configuration.
    pub(crate) fn from_saved(saved: SavedParses) -> ParseCache {
        let files = saved.0.into_iter().map(|(path, stamp, incident)| {
            (PathBuf::from(path), (Some(stamp), Parsed { incident: Some(incident), diagnostics: Vec::new() }))
        });
        ParseCache { files: files.collect(), ..ParseCache::default() }
    }

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
                    let ignored = crate::paths::has_ignored_part(inside);
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

/// [`crate::content::load_content`], re-parsing only the files whose stamp
/// ([`FileStamp`]) changed since the load that filled `cache` (which must
/// have been made with the same configuration). With `changed` (the paths a
/// watcher saw change), files are not even looked at again unless they changed.
pub(crate) fn load_content_cached(
    root: &Path,
    config: &SiteConfig,
    include_drafts: bool,
    cache: &mut ParseCache,
    changed: Option<&[PathBuf]>,
) -> Result<Content, Diagnostics> {
    with_parser(config, |cx| load_with(root, cx, include_drafts, cache, changed))
}

fn load_with(
    root: &Path,
    cx: &ParseContext<'_>,
    include_drafts: bool,
    cache: &mut ParseCache,
    changed: Option<&[PathBuf]>,
) -> Result<Content, Diagnostics> {
    let kept_bodies = BodyBudget::new(KEPT_BODIES_BYTES);
    let parse_file = |path: &Path| parse_file(root, path, cx, &kept_bodies);
    if let Some((parse, forget)) = changed.and_then(|changed| cache.plan(root, changed)) {
        for path in &forget {
            cache.files.remove(path);
        }
        let parsed: Vec<_> = parse.par_iter().map(|path| (FileStamp::read(path), parse_file(path))).collect();
        let (mut replaced, parsed_again) = (Vec::new(), parse.len());
        for (path, (stamp, parsed)) in parse.into_iter().zip(parsed) {
            if let Some((_, old)) = cache.files.insert(path.clone(), (stamp, parsed)) {
                replaced.push((path, old));
            }
        }
        // Only edits of files already parsed can be patched in: a new file adds a post.
        let only_edits = forget.is_empty() && replaced.len() == parsed_again;
        let patched = only_edits.then(|| cache.patch(&replaced, include_drafts)).flatten();
        return numbered(
            cache,
            patched.map(Ok).unwrap_or_else(|| {
                let parsed = cache.files.values().map(|(_, parsed)| parsed);
                assemble(parsed, cache.walk_errors.clone(), include_drafts)
            }),
        );
    }
    let (files, diagnostics) = load::find_sources(root);
    cache.walk_errors = diagnostics.clone();
    let old = std::mem::take(&mut cache.files);
    let seen_changed: std::collections::HashSet<&PathBuf> = changed.unwrap_or_default().iter().collect();
    let parsed: Vec<_> = files
        .par_iter()
        .map(|path| {
            let stamp = FileStamp::read(path);
            match old.get(path) {
                Some((Some(was), parsed))
                    if Some(*was) == stamp && was.is_telling() && !seen_changed.contains(path) =>
                {
                    (stamp, parsed.clone())
                }
                _ => (stamp, parse_file(path)),
            }
        })
        .collect();
    cache.files = files.into_iter().zip(parsed).collect();
    let content = assemble(cache.files.values().map(|(_, parsed)| parsed), diagnostics, include_drafts);
    numbered(cache, content)
}

/// Numbers a load's content and keeps it (when it succeeded) for the next load to patch.
fn numbered(cache: &mut ParseCache, content: Result<Content, Diagnostics>) -> Result<Content, Diagnostics> {
    cache.loads += 1;
    cache.last = None;
    let mut content = content?;
    content.generation = cache.loads;
    cache.last = Some((cache.loads, content.incidents.clone(), content.warnings.clone()));
    Ok(content)
}

impl ParseCache {
    /// The last load's content with the posts of the files just parsed again
    /// replaced in place, when that is what a full assembly would give: each
    /// file had a post and still has one, with the same address, start,
    /// draft flag, aliases and diagnostics (so the order, the checks of
    /// addresses and the warnings stay as they were). `replaced` holds the
    /// files and their previous parses; their new ones are in the cache.
    fn patch(&mut self, replaced: &[(PathBuf, Parsed)], include_drafts: bool) -> Option<Content> {
        let (from, incidents, warnings) = self.last.as_mut()?;
        let mut patch = crate::content::ContentPatch { from: *from, replaced: Vec::new() };
        for (path, old_parse) in replaced {
            let old = old_parse.incident.as_ref()?;
            let (_, new_parse) = self.files.get(path)?;
            let new = new_parse.incident.as_ref()?;
            let same_place =
                (&new.path, new.start, new.draft, &new.aliases) == (&old.path, old.start, old.draft, &old.aliases);
            if !same_place || new_parse.diagnostics != old_parse.diagnostics {
                return None;
            }
            if old.draft && !include_drafts {
                continue; // listed neither before nor now
            }
            let at = incidents.partition_point(|i| crate::content::newest_first(i, old).is_lt());
            if !incidents.get(at).is_some_and(|i| Arc::ptr_eq(i, old)) {
                return None;
            }
            patch.replaced.push((at, std::mem::replace(&mut incidents[at], new.clone())));
        }
        Some(Content { incidents: incidents.clone(), warnings: warnings.clone(), generation: 0, patch: Some(patch) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::model::Body;

    #[test]
    fn posts_kept_on_disk_read_back_as_they_were_parsed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = SiteConfig::load(root).expect("the example site's site.toml");
        let mut cache = ParseCache::default();
        load_content_cached(root, &config, true, &mut cache, None).expect("the example archive loads");
        let bytes = postcard::to_stdvec(&cache.saved()).expect("to bytes");
        let back = ParseCache::from_saved(postcard::from_bytes(&bytes).expect("from bytes"));
        assert!(back.files.len() > 10, "the example archive's posts are kept: {}", back.files.len());
        for (path, (stamp, parsed)) in &back.files {
            let (kept_stamp, kept) = &cache.files[path];
            assert_eq!(stamp, kept_stamp, "{}", path.display());
            let (read, kept) = (parsed.incident.as_deref().expect("a post"), kept.incident.as_deref().expect("a post"));
            // All but the body, kept as where it starts in the file.
            let without_body =
                |i: &Incident| format!("{:?}", Incident { body: Body::InFile { offset: 0 }, ..i.clone() });
            assert_eq!(without_body(read), without_body(kept), "{} reads back otherwise", path.display());
            let markdown = crate::content::site_markdown(&config);
            let body = |i: &Incident| crate::content::body_html(i, root, &markdown).expect("the body");
            assert!(matches!(read.body, Body::InFile { .. }), "{}: the body is left in the file", path.display());
            assert_eq!(body(read), body(kept), "{}: the body renders otherwise", path.display());
        }
        let again = load_content_cached(root, &config, true, &mut ParseCache::from_saved(cache.saved()), None);
        let fresh = crate::content::load_content(root, &config, true);
        let titles = |c: &Content| c.incidents.iter().map(|i| i.title.clone()).collect::<Vec<_>>();
        assert_eq!(again.map(|c| titles(&c)).ok(), fresh.map(|c| titles(&c)).ok(), "the same archive");
    }
}
