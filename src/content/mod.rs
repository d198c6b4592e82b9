//! Stages 1 to 3 for the posts: load → parse → model. Walks `content/`, parses every
//! incident file in parallel and validates it against the site, reporting
//! every problem of every file at once.

pub(crate) mod dates;
pub mod front_matter;
pub(crate) mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub(crate) mod parse_cache;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use markdown::Markdown;
use model::Incident;
use parse::ParseContext;
use parse::Parsed;
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// The incidents of a site, sorted newest first, and the warnings found.
pub struct Content {
    /// Valid incidents (drafts only when asked for), newest start first.
    pub incidents: Vec<Arc<Incident>>,
    /// Warnings to show the author.
    pub warnings: Vec<Diagnostic>,
    /// Which load of `vigie serve`'s parse cache made it (0 outside it).
    pub(crate) generation: u64,
    /// Set when it is the content of load `from` with posts replaced in place.
    pub(crate) patch: Option<ContentPatch>,
}

/// How a content differs from the one of an earlier load: only the posts at
/// some places of the list were replaced (edited files whose posts kept
/// their address, their start and their place), every other post is the
/// same. `vigie serve` then patches what it kept of that load's build.
#[derive(Debug, Clone)]
pub(crate) struct ContentPatch {
    /// The load it was made from.
    pub from: u64,
    /// Each replaced post's place in the list, with the post it replaced.
    pub replaced: Vec<(usize, Arc<Incident>)>,
}

/// Loads and validates every incident under `root/content`. With
/// `include_drafts` false, drafts are left out (but still validated).
pub fn load_content(root: &Path, config: &SiteConfig, include_drafts: bool) -> Result<Content, Diagnostics> {
    load(root, config, include_drafts)
}

/// The Markdown renderer with the site's options.
pub(crate) fn site_markdown(config: &SiteConfig) -> Markdown {
    Markdown::new(config.allow_html).for_language(&config.language)
}

/// Parses with the site's Markdown options: `parse(context)` gets what every file's parse needs.
pub(crate) fn with_parser<T>(config: &SiteConfig, parse: impl FnOnce(&ParseContext<'_>) -> T) -> T {
    let markdown = site_markdown(config);
    parse(&ParseContext { config, markdown: &markdown })
}

/// How many bytes of posts a load keeps the bodies of, rendered as they
/// are parsed; the bodies of the posts read beyond stay in their files
/// until their page is rendered ([`model::Body::InFile`]). Reading a body
/// again costs a little time on every build; keeping every body costs
/// memory in proportion to the archive (half of a build's memory at 100 000
/// posts). Either way the pages are the same bytes.
pub(crate) const KEPT_BODIES_BYTES: usize = 64 << 20;

/// What is left of a load's [`KEPT_BODIES_BYTES`], shared by the threads that parse.
pub(crate) struct BodyBudget(std::sync::atomic::AtomicUsize);

impl BodyBudget {
    /// A budget of `bytes`.
    pub(crate) fn new(bytes: usize) -> Self {
        BodyBudget(bytes.into())
    }

    /// Takes `bytes` from what is left, when that much is left.
    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.0.fetch_update(Relaxed, Relaxed, |left| left.checked_sub(bytes)).is_ok()
    }
}

/// Reads and parses one source file; its body is kept rendered while
/// `kept_bodies` lasts, else left in the file.
pub(crate) fn parse_file(root: &Path, path: &Path, cx: &ParseContext<'_>, kept_bodies: &BodyBudget) -> Parsed {
    let source = load::read_source(root, path);
    match source.text {
        Ok(text) if kept_bodies.take(text.len()) => parse::parse_incident(&source.path, &text, cx),
        Ok(text) => parse::parse_file_text(&source.path, &text, cx),
        Err(d) => Parsed { incident: None, diagnostics: vec![d] },
    }
}

/// The HTML of `incident`'s body: as rendered when it was parsed, or read
/// again from its file under `root` (the bytes it was parsed from, else an
/// error: the file changed during the build) and rendered with `markdown`.
pub(crate) fn body_html(incident: &Incident, root: &Path, markdown: &Markdown) -> Result<Arc<str>, Diagnostic> {
    let offset = match &incident.body {
        model::Body::Rendered { html, .. } => return Ok(html.clone()),
        model::Body::InFile { offset } => *offset,
    };
    let changed = || {
        Diagnostic::error(&incident.source, (0, 0), "this file changed while the site was being built")
            .with_hint("build again: the next build shows the file as it is now")
    };
    let text = load::read_source(root, &root.join(&incident.source)).text.map_err(|_| changed())?;
    if parse::hash_text(&text) != incident.source_hash {
        return Err(changed());
    }
    let body = text.get(offset..).ok_or_else(changed)?;
    Ok(parse::render_body(&crate::config::without_controls(body), markdown).into())
}

fn load(root: &Path, config: &SiteConfig, include_drafts: bool) -> Result<Content, Diagnostics> {
    load_keeping(root, config, include_drafts, KEPT_BODIES_BYTES)
}

/// [`load`], keeping the bodies of the first `kept_bytes` of posts rendered.
fn load_keeping(
    root: &Path,
    config: &SiteConfig,
    include_drafts: bool,
    kept_bytes: usize,
) -> Result<Content, Diagnostics> {
    let (files, diagnostics) = load::find_sources(root);
    let kept_bodies = BodyBudget::new(kept_bytes);
    let parsed: Vec<Parsed> =
        with_parser(config, |cx| files.par_iter().map(|path| parse_file(root, path, cx, &kept_bodies)).collect());
    assemble(parsed.iter(), diagnostics, include_drafts)
}

/// The content made of the parsed files: every diagnostic of every file, or
/// the incidents sorted newest first.
pub(crate) fn assemble<'p>(
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
    diagnostics.extend(taken_aliases(&incidents));
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Warnings are shown with the errors: the author fixes everything at once.
        return Err(Diagnostics(diagnostics).sorted());
    }
    sort_newest_first(&mut incidents);
    Ok(Content { incidents, warnings: Diagnostics(diagnostics).sorted().0, generation: 0, patch: None })
}

/// Sorts by start, newest first; ties by URL so that the order is stable.
pub(crate) fn sort_newest_first(incidents: &mut [Arc<Incident>]) {
    // Unstable is enough: no two incidents have the same URL.
    incidents.par_sort_unstable_by(|a, b| newest_first(a, b));
}

/// The archive's order: by start, newest first; ties by URL.
pub(crate) fn newest_first(a: &Incident, b: &Incident) -> std::cmp::Ordering {
    b.start.cmp(&a.start).then_with(|| a.path.cmp(&b.path))
}

/// Aliases whose redirect would replace a post's page or another post's
/// redirect: an error at the alias, naming the other file.
fn taken_aliases(incidents: &[Arc<Incident>]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if incidents.iter().all(|i| i.aliases.is_empty()) {
        return errors;
    }
    let pages: rustc_hash::FxHashMap<String, &Incident> =
        incidents.iter().map(|i| (format!("{}index.html", i.path), &**i)).collect();
    let mut redirects: rustc_hash::FxHashMap<&str, &Incident> = Default::default();
    let mut all: Vec<(&Incident, &model::Alias)> =
        incidents.iter().flat_map(|i| i.aliases.iter().map(move |a| (&**i, a))).collect();
    all.sort_by(|(a, x), (b, y)| (&a.source, x.at).cmp(&(&b.source, y.at)));
    for (incident, alias) in all {
        let shown = format!("/{}", alias.file.strip_suffix("index.html").unwrap_or(&alias.file));
        if let Some(page) = pages.get(&alias.file) {
            errors.push(
                Diagnostic::error(
                    &incident.source,
                    alias.at,
                    format!("alias {shown} is the address of the post {}", page.source.display()),
                )
                .with_hint("remove the alias: that address already shows a post"),
            );
        } else if let Some(other) = redirects.insert(&alias.file, incident) {
            errors.push(
                Diagnostic::error(
                    &incident.source,
                    alias.at,
                    format!("alias {shown} is also an alias of {}", other.source.display()),
                )
                .with_hint("an old address can lead to one post only: remove it from one of the two files"),
            );
        }
    }
    errors
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

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "\u{feff}+++\ntitle = \"Panne\"\nstart = 2024-03-01T10:00:00+01:00\nservices = [\"mail\"]\nseverity = \"minor\"\n+++\nDébut\u{7}.\n\n<!-- more -->\n\nSuite [lien](https://example.fr/).\n";

    #[test]
    fn every_post_of_the_example_archive_renders_the_same_body_from_its_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = SiteConfig::load(root).expect("the example site's configuration");
        let markdown = site_markdown(&config);
        let kept = load_keeping(root, &config, true, usize::MAX).expect("the example archive");
        let in_files = load_keeping(root, &config, true, 0).expect("the example archive");
        assert!(kept.incidents.len() > 20, "{} posts", kept.incidents.len());
        assert_eq!(kept.incidents.len(), in_files.incidents.len());
        for (kept, in_file) in kept.incidents.iter().zip(&in_files.incidents) {
            assert_eq!(kept.source, in_file.source);
            let model::Body::Rendered { html: expected, .. } = &kept.body else { panic!("{:?} not kept", kept.source) };
            assert!(matches!(in_file.body, model::Body::InFile { .. }), "{:?} kept", in_file.source);
            let read_again = body_html(in_file, root, &markdown).expect("the same file");
            assert_eq!(read_again, *expected, "{}", in_file.source.display());
        }
    }

    #[test]
    fn a_body_left_in_its_file_renders_as_when_parsed_and_a_changed_file_is_an_error() {
        let config = SiteConfig::parse(
            Path::new("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.fr/\"\n[services.mail]\nname = \"Messagerie\"\n",
        )
        .expect("valid config");
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("content/2024/panne.md");
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, POST).expect("write");
        let markdown = site_markdown(&config);
        let (in_file, rendered) = with_parser(&config, |cx| {
            let kept = parse_file(dir.path(), &file, cx, &BodyBudget::new(POST.len()));
            assert!(
                matches!(kept.incident.as_ref().map(|i| &i.body), Some(model::Body::Rendered { .. })),
                "within the budget"
            );
            (
                parse_file(dir.path(), &file, cx, &BodyBudget::new(POST.len() - 1)),
                parse::parse_incident(Path::new("content/2024/panne.md"), POST, cx),
            )
        });
        let diagnostics = format!("{:?} {:?}", in_file.diagnostics, rendered.diagnostics);
        let (in_file, rendered) = (in_file.incident.expect(&diagnostics), rendered.incident.expect(&diagnostics));
        assert!(matches!(in_file.body, model::Body::InFile { .. }), "{:?}", in_file.body);
        let model::Body::Rendered { html: expected, .. } = &rendered.body else {
            panic!("rendered when parsed from text")
        };
        assert!(expected.contains("Suite <a href") && !expected.contains("more"), "{expected}");
        let read_again = body_html(&in_file, dir.path(), &markdown).expect("same file");
        assert_eq!(read_again, *expected, "read again, the body renders as when parsed");
        std::fs::write(&file, POST.replace("Suite", "Ensuite")).expect("edit");
        let error = body_html(&in_file, dir.path(), &markdown).expect_err("the file changed since it was parsed");
        assert_eq!(error.path.as_deref(), Some(Path::new("content/2024/panne.md")));
        assert!(error.message.contains("changed while the site was being built"), "{}", error.message);
        std::fs::remove_file(&file).expect("rm");
        assert!(body_html(&in_file, dir.path(), &markdown).is_err(), "a removed file is an error too");
    }
}
