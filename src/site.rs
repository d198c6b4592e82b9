//! The pipeline, as a flat list of named steps: load the configuration, the
//! theme and the content (stages 1–3), index it, render the pages, feeds,
//! calendars, status API and sitemap as render jobs (stage 4), then write
//! (stage 5). `serve` and
//! `authoring` run it too, never a copy of it.

use crate::archive::Archive;
use crate::config::SiteConfig;
use crate::content::parse_cache::load_content_cached;
use crate::content::{load_content, Content};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::output::{
    check_destination, recorded_fingerprint, DiskSink, MemorySink, Output, OutputError, Sink, WriteStats,
};
use crate::render::engine::Templates;
use crate::render::jobs::RenderError;
use crate::render::jobs::{Executor, ReuseHook};
use crate::render::urls::Urls;
use crate::render::{
    aliases, api, badges, calendars, feeds, memo_file, pages, sitemap, Constants, KeptModel, Renderer,
};
use crate::theme::{self, i18n::Translations};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (the folder holding site.toml).
    pub root: PathBuf,
    /// Replaces site.toml's `base_url`.
    pub base_url: Option<String>,
    /// Includes drafts.
    pub drafts: bool,
    /// Build time: decides what is ongoing and upcoming, and is what the
    /// pages showing the present say (« État au … »).
    pub now: DateTime<Utc>,
}

impl BuildOptions {
    /// Options for the site at `root`, built now (or at `SOURCE_DATE_EPOCH` when set).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), base_url: None, drafts: false, now: build_time() }
    }
}

/// The build time: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, so
/// that builds are reproducible, otherwise the current time in whole minutes
/// (pages show minutes; two builds in the same minute give the same bytes).
pub fn build_time() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(|| {
            let now = Utc::now();
            DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0).unwrap_or(now)
        })
}

/// How a site's content is read: `(root, configuration, include drafts)` → the content.
pub(crate) type ContentLoader<'c> = &'c mut dyn FnMut(&Path, &SiteConfig, bool) -> Result<Content, Diagnostics>;

/// A loaded site: configuration, theme and validated content.
pub struct Site {
    /// The options it was loaded with.
    pub options: BuildOptions,
    /// The configuration, with `--base-url` applied.
    pub config: SiteConfig,
    /// Incidents and warnings.
    pub content: Content,
    /// The theme's files.
    pub(crate) theme: theme::ThemeFiles,
    /// The language's words.
    pub(crate) translations: Translations,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// Feeds written.
    pub feeds: usize,
    /// Maintenance calendars written.
    pub calendars: usize,
    /// Status API files written (`api/v2/*.json`).
    pub api_files: usize,
    /// Badges written (`badge.svg`, one per service).
    pub badges: usize,
    /// Incidents built.
    pub incidents: usize,
    /// Warnings about the content.
    pub warnings: Vec<Diagnostic>,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
    /// Files written and files kept as they were.
    pub written: WriteStats,
    /// Of the files kept, those not even rendered: the memo of the build
    /// that made the output said they would be the same.
    pub not_rendered: usize,
    /// Nothing changed since the last build: nothing was rendered or written.
    pub unchanged: bool,
    /// When the output will next change by itself (a rebuild is due then).
    pub next_change: Option<NextChange>,
    /// The templates whose files vigie wrote itself, without the template
    /// engine, the theme's being the built-in ones (`card.html`, `incident.html`).
    pub built_in: Vec<&'static str>,
}

/// The next moment at which a build of the same tree gives another site:
/// a maintenance starts or reaches its planned end, an update written ahead
/// of time comes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextChange {
    /// When, in the site's time zone.
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// The post's title.
    pub title: String,
    /// What happens then, e.g. `starts`.
    pub what: String,
}

impl std::fmt::Display for NextChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "next change: {}, \"{}\" {}", self.at.format("%Y-%m-%d %H:%M (%:z)"), self.title, self.what)
    }
}

impl NextChange {
    fn of(archive: &Archive<'_>) -> Option<NextChange> {
        use crate::content::model::{Change, Kind, Phase};
        let (at, i, change) = archive.next_change()?;
        let incident = &archive.incidents[i];
        let what = match (change, archive.phases[i]) {
            (Change::Starts, Phase::Cancelled) => {
                "reaches its planned start (cancelled): it moves to the history".into()
            }
            (Change::Starts, _) => "starts".into(),
            (Change::Ends, _) if incident.kind == Kind::Maintenance => "reaches its planned end".into(),
            (Change::Ends, _) => "ends".into(),
            (Change::Update(status), _) if incident.announced() == at => {
                format!("is announced (update \"{}\")", status.as_str())
            }
            (Change::Update(status), _) => format!("gets its update \"{}\" written ahead of time", status.as_str()),
            (Change::LeavesLastYear, _) => "leaves the downtime of the last twelve months".into(),
            (Change::LeavesCalendar, _) => "leaves the maintenance calendars (calendar_keep_months)".into(),
        };
        Some(NextChange { at: crate::render::format::exact_offset(&at), title: incident.title.clone(), what })
    }
}

fn timed<T>(timings: &mut Vec<(&'static str, Duration)>, name: &'static str, step: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = step();
    timings.push((name, started.elapsed()));
    value
}

impl Site {
    /// Loads and validates everything under `options.root`.
    pub(crate) fn load(options: BuildOptions) -> Result<Site, Error> {
        Site::load_with(options, &mut load_content)
    }

    /// [`Site::load`], with the content read by `content(root, config,
    /// drafts)` (`vigie serve` reads it through its parse cache).
    pub(crate) fn load_with(options: BuildOptions, content: ContentLoader<'_>) -> Result<Site, Error> {
        let mut timings = Vec::new();
        let root = options.root.clone();
        let mut config = timed(&mut timings, "config", || SiteConfig::load(&root))?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url).map_err(|message| {
                Diagnostic::error(Path::new("--base-url"), (0, 0), message)
                    .with_hint("give a full address such as --base-url https://example.fr/incidents/")
            })?;
        }
        let theme = timed(&mut timings, "theme", || theme::load(&root, &config.theme))?;
        let translations = Translations::load(&theme, &config.language)?;
        let content = timed(&mut timings, "content", || content(&root, &config, options.drafts))?;
        Ok(Site { options, config, content, theme, translations, timings })
    }

    /// Reads the content again with `content` (after an edit under
    /// `content/`), at build time `now`; the configuration and the theme
    /// stay as they were.
    pub(crate) fn reload_content(&mut self, now: DateTime<Utc>, content: ContentLoader<'_>) -> Result<(), Error> {
        self.options.now = now;
        let (root, config, drafts) = (&self.options.root, &self.config, self.options.drafts);
        self.content = timed(&mut self.timings, "content", || content(root, config, drafts))?;
        Ok(())
    }

    /// Renders the whole site into `sink`, step by step; returns what it made.
    pub(crate) fn render_into(&mut self, sink: &dyn Sink) -> Result<Rendered, Error> {
        let mut templates = self.compile_templates()?;
        self.render_with(sink, &mut templates, None)
    }

    /// Compiles the theme's templates (`vigie serve` keeps them until the
    /// theme changes).
    pub(crate) fn compile_templates(&mut self) -> Result<Templates, Error> {
        let theme = &self.theme;
        Ok(timed(&mut self.timings, "templates", || {
            Templates::compile(theme, &[sitemap::TEMPLATE, badges::TEMPLATE, aliases::TEMPLATE])
        })?)
    }

    /// [`Site::render_into`] with `templates` (compiled from this site's
    /// theme), asking `hook` first whether each file is the same as in the
    /// last good build (files it keeps are not put in the sink: the caller
    /// has them from its previous output).
    pub(crate) fn render_with(
        &mut self,
        sink: &dyn Sink,
        templates: &mut Templates,
        hook: Option<&dyn ReuseHook>,
    ) -> Result<Rendered, Error> {
        let mut timings = std::mem::take(&mut self.timings);
        let result = self.render_steps(templates, sink, hook, &mut timings);
        self.timings = timings;
        result
    }

    fn render_steps(
        &self,
        templates: &mut Templates,
        sink: &dyn Sink,
        hook: Option<&dyn ReuseHook>,
        timings: &mut Vec<(&'static str, Duration)>,
    ) -> Result<Rendered, Error> {
        let zone = &self.config.timezone;
        let now = self.options.now.with_timezone(zone);
        let (kept_archive, kept_records) = hook.and_then(ReuseHook::kept_model).map(|k| (k.archive, k.records)).unzip();
        let keep_months = self.config.calendar_keep_months;
        let (archive, patched) =
            timed(timings, "index", || Archive::reusing(&self.content, now, keep_months, kept_archive));
        let tracked = TrackingSink { inner: sink, paths: Mutex::new(FxHashSet::default()) };
        let c = Constants {
            config: &self.config,
            t: &self.translations,
            urls: Urls::new(&self.config.base_url),
            root: &self.options.root,
            markdown: crate::content::site_markdown(&self.config),
        };
        let executor = Executor::new(&tracked, hook);
        let patched_posts = patched.as_ref().map(|p| p.places.len());
        let kept_records = kept_records.zip(patched.as_ref());
        let mut r = timed(timings, "card_keys", || Renderer::new(c, &archive, templates, executor, kept_records))?;
        let years = pages::year_links(&r);
        let statics = &self.theme.statics;
        // The pages on one side, every other file on the other: the steps
        // of each side run one after the other, the two sides side by side
        // (each step's jobs on every core), so that a step with few big
        // jobs (the sitemap, the API) does not leave a core idle.
        let (mut page_timings, mut other_timings) = (Vec::new(), Vec::new());
        let (pages, others) = rayon::join(
            || -> Result<usize, RenderError> {
                let t = &mut page_timings;
                // The incident pages first: each renders its incident's card
                // from the values it made for itself, for the lists to show.
                let mut pages = timed(t, "render_incidents", || pages::render_incidents(&r))?;
                pages += timed(t, "render_home", || pages::render_home(&r, &years))?;
                pages += timed(t, "render_years", || pages::render_years(&r, &years))?;
                pages += timed(t, "render_services", || pages::render_services(&r))?;
                pages += timed(t, "render_not_found", || pages::render_not_found(&r))?;
                pages += timed(t, "render_aliases", || aliases::render_aliases(&r))?;
                Ok(pages)
            },
            || -> Result<(usize, usize, usize, usize), RenderError> {
                let t = &mut other_timings;
                let feeds = timed(t, "render_feeds", || feeds::render_feeds(&r))?;
                let calendars = timed(t, "render_calendars", || calendars::render_calendars(&r))?;
                let api_files = timed(t, "render_api", || api::render_api(&r))?;
                let badges = timed(t, "render_badges", || badges::render_badges(&r))?;
                timed(t, "render_sitemap", || sitemap::render_sitemap(&r, statics))?;
                Ok((feeds, calendars, api_files, badges))
            },
        );
        timings.append(&mut page_timings);
        timings.append(&mut other_timings);
        let (pages, (feeds, calendars, api_files, badges)) = (pages?, others?);
        timed(timings, "copy_static", || copy_static(statics, &tracked, &r.executor, sink))?;
        let next_change = NextChange::of(&archive);
        let built_in = r.written_by_vigie();
        if let Some(hook) = hook {
            let model = KeptModel { archive: archive.keep(&self.content), records: std::mem::take(&mut r.records) };
            hook.keep_model(model, patched_posts.is_some());
        }
        Ok(Rendered { pages, feeds, calendars, api_files, badges, next_change, patched_posts, built_in })
    }

    /// Renders the whole site into memory.
    pub(crate) fn render(&mut self) -> Result<Output, Error> {
        let sink = MemorySink::default();
        self.render_into(&sink)?;
        Ok(sink.into_output())
    }
}

/// Counts of what a render made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    /// HTML pages.
    pub pages: usize,
    /// Feed files.
    pub feeds: usize,
    /// Calendar files.
    pub calendars: usize,
    /// Status API files.
    pub api_files: usize,
    /// Badges.
    pub badges: usize,
    /// When the output will next change by itself.
    pub next_change: Option<NextChange>,
    /// How many posts the model kept from the last good build was patched
    /// with, when it was (`vigie serve`, see [`Archive::reusing`]).
    pub patched_posts: Option<usize>,
    /// The templates whose files vigie wrote itself (see [`crate::render::built_in`]).
    pub built_in: Vec<&'static str>,
}

/// Passes files on to a sink, remembering their paths (so that static files
/// never replace a generated page).
struct TrackingSink<'s> {
    inner: &'s dyn Sink,
    paths: Mutex<FxHashSet<String>>,
}

impl Sink for TrackingSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string());
        self.inner.put(path, bytes)
    }
}

/// What a build depends on, as hashes kept on disk (in the output's marker,
/// and with the render memo kept beside it).
pub(crate) struct Fingerprint {
    /// Everything: the version of vigie (and the program's file) and its
    /// built-in theme, the options, the build time, and the path and stamp
    /// ([`crate::paths::FileStamp`]) of every source file. Two builds with
    /// the same fingerprint give the same output.
    pub output: String,
    /// All of that but the content and the build time: what every page of
    /// a build is made of besides its render job's data (the configuration,
    /// the theme, the templates). A render memo is valid for the same constants only.
    pub constants: u64,
}

/// The [`Fingerprint`] of a build with `options`.
pub(crate) fn fingerprint(options: &BuildOptions) -> Fingerprint {
    use std::hash::{Hash, Hasher};
    // XXH3 gives the same hash with every Rust version: the fingerprint is kept on disk.
    let mut constants = xxhash_rust::xxh3::Xxh3Default::new();
    (env!("CARGO_PKG_VERSION"), &options.base_url, options.drafts).hash(&mut constants);
    // The program itself: another build of the same version may render otherwise.
    let program = std::env::current_exe().and_then(std::fs::metadata).ok();
    program.map(|m| (m.len(), m.modified().ok())).hash(&mut constants);
    // The theme built into this binary, which sites without a themes/ folder use.
    crate::theme::EMBEDDED_DEFAULT_THEME.hash(&mut constants);
    let mut content = xxhash_rust::xxh3::Xxh3Default::new();
    options.now.timestamp().hash(&mut content);
    for name in ["site.toml", "content", "themes", "templates", "static"] {
        let hasher = if name == "content" { &mut content } else { &mut constants };
        let path = options.root.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            (name, "absent").hash(hasher);
            continue;
        }
        let entries: Vec<_> = walkdir::WalkDir::new(&path).follow_links(true).sort_by_file_name().into_iter().collect();
        // The files' stamps read on every core (one `stat` each), hashed in walk order.
        let stamps: Vec<_> = entries
            .par_iter()
            .map(|entry| entry.as_ref().ok().and_then(|e| e.metadata().ok()).map(|m| crate::paths::FileStamp::of(&m)))
            .collect();
        for (entry, stamp) in entries.iter().zip(stamps) {
            match entry {
                Ok(entry) => {
                    entry.path().hash(hasher);
                    stamp.hash(hasher);
                }
                // An unreadable entry: never match a recorded fingerprint.
                Err(e) => format!("{e}{:?}", std::time::SystemTime::now()).hash(hasher),
            }
        }
    }
    let constants = constants.finish();
    constants.hash(&mut content);
    Fingerprint { output: format!("{:016x}", content.finish()), constants }
}

/// Copies the theme's and the site's static files, except where a rendered
/// page took the path (in this build, or in the last one when `memo` tells):
/// a page wins over a static file, but a static `sitemap.xml` or
/// `robots.txt` wins over the generated one.
fn copy_static(
    statics: &BTreeMap<String, Vec<u8>>,
    tracked: &TrackingSink<'_>,
    executor: &Executor<'_>,
    sink: &dyn Sink,
) -> Result<(), Error> {
    let made = tracked.paths.lock().unwrap_or_else(|e| e.into_inner());
    let made = |path: &str| made.contains(path) || executor.kept(path);
    for (path, bytes) in statics {
        if !made(path) || path == "sitemap.xml" || path == "robots.txt" {
            sink.put(path, bytes.clone())?;
        }
    }
    Ok(())
}

/// Builds the site at `options.root` into `output_dir`. The previous output
/// stays untouched unless the whole build succeeds; files whose bytes did not
/// change keep their modification time; when no source, no option and not
/// the build time (to the minute) changed since the build that made
/// `output_dir`, nothing is rendered or written.
pub fn build(options: BuildOptions, output_dir: &Path) -> Result<BuildReport, Error> {
    check_destination(&options.root, output_dir)?;
    let mut timings = Vec::new();
    let fingerprint = timed(&mut timings, "fingerprint", || fingerprint(&options));
    if recorded_fingerprint(output_dir).as_deref() == Some(fingerprint.output.as_str()) {
        return Ok(BuildReport { unchanged: true, timings, ..BuildReport::default() });
    }
    // First: what the site before last holds is listed while the rest is read.
    let sink = DiskSink::begin(output_dir)?;
    let (mut memo, mut parses) = timed(&mut timings, "memo", || memo_file::load(output_dir, fingerprint.constants));
    let rendered = (|| {
        let mut site = Site::load_with(options, &mut |root, config, drafts| {
            load_content_cached(root, config, drafts, &mut parses, None)
        })?;
        let mut templates = site.compile_templates()?;
        let hook = memo_file::KeptOnDisk { memo: &memo, sink: &sink };
        let rendered = site.render_with(&sink, &mut templates, Some(&hook))?;
        Ok::<_, Error>((site, rendered))
    })();
    let (mut site, rendered) = match rendered {
        Ok(done) => done,
        Err(e) => {
            sink.abort();
            return Err(e);
        }
    };
    let written = timed(&mut site.timings, "write", || sink.finish(&fingerprint.output))?;
    let not_rendered = memo.reused();
    memo.commit();
    // Without it, the next build renders every file: slower, the same site.
    let _ = timed(&mut site.timings, "save_memo", || memo_file::save(output_dir, &fingerprint, &memo, &parses));
    timings.append(&mut site.timings);
    let report = BuildReport {
        pages: rendered.pages,
        feeds: rendered.feeds,
        calendars: rendered.calendars,
        api_files: rendered.api_files,
        badges: rendered.badges,
        incidents: site.content.incidents.len(),
        warnings: std::mem::take(&mut site.content.warnings),
        timings,
        written,
        not_rendered,
        unchanged: false,
        next_change: rendered.next_change,
        built_in: rendered.built_in,
    };
    // The posts, the parses and the memo are freed on a thread of their own
    // (about 15 ms on one core at 10 000 posts): `vigie build` reports and
    // exits without waiting for it.
    std::thread::spawn(move || drop((site, parses, memo)));
    Ok(report)
}
