//! The build, as a flat list of named steps: load the configuration and the
//! content, index it, render pages and feeds into memory, then write.

use crate::archive::Archive;
use crate::config::SiteConfig;
use crate::content::{load_content, Content};
use crate::diagnostics::Diagnostic;
use crate::output::{check_destination, write_site, Output};
use crate::render::i18n::Translations;
use crate::render::{render_pages, sitemap, templates, theme, Renderer};
use crate::{feeds, Error};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
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
    /// Build time: decides what is ongoing, and is shown in footers.
    pub now: DateTime<Utc>,
}

impl BuildOptions {
    /// Options for the site at `root`, built now (or at `SOURCE_DATE_EPOCH` when set).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), base_url: None, drafts: false, now: build_time() }
    }
}

/// The build time: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, so
/// that builds are reproducible, otherwise the current time.
pub fn build_time() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(Utc::now)
}

/// A loaded site: configuration, theme and validated content.
pub struct Site {
    /// The options it was loaded with.
    pub options: BuildOptions,
    /// The configuration, with `--base-url` applied.
    pub config: SiteConfig,
    /// Incidents and warnings.
    pub content: Content,
    /// The theme's files.
    pub theme: theme::ThemeFiles,
    /// The language's words.
    pub translations: Translations,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// Feeds written.
    pub feeds: usize,
    /// Incidents built.
    pub incidents: usize,
    /// Warnings about the content.
    pub warnings: Vec<Diagnostic>,
    /// How long each step took.
    pub timings: Vec<(&'static str, Duration)>,
}

fn timed<T>(timings: &mut Vec<(&'static str, Duration)>, name: &'static str, step: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = step();
    timings.push((name, started.elapsed()));
    value
}

impl Site {
    /// Loads and validates everything under `options.root`.
    pub fn load(options: BuildOptions) -> Result<Site, Error> {
        let mut timings = Vec::new();
        let root = options.root.clone();
        let mut config = timed(&mut timings, "config", || SiteConfig::load(&root)).map_err(Error::Config)?;
        if let Some(url) = &options.base_url {
            config.set_base_url(url).map_err(|message| {
                Error::Config(crate::diagnostics::Diagnostics(vec![Diagnostic::error(
                    Path::new("--base-url"),
                    (0, 0),
                    message,
                )
                .with_hint("give a full address such as --base-url https://example.fr/incidents/")]))
            })?;
        }
        let theme = timed(&mut timings, "theme", || theme::load(&root, &config.theme))?;
        let translations = Translations::load(&theme, &config.language).map_err(Error::Config)?;
        let content =
            timed(&mut timings, "content", || load_content(&root, &config, options.drafts)).map_err(Error::Content)?;
        Ok(Site { options, config, content, theme, translations, timings })
    }

    /// Renders the whole site into memory.
    pub fn render(&mut self) -> Result<Output, Error> {
        let mut timings = std::mem::take(&mut self.timings);
        let tz = self.config.timezone;
        let now = self.options.now.with_timezone(&tz);
        let templates = timed(&mut timings, "templates", || templates::compile(&self.theme))?;
        let archive = timed(&mut timings, "index", || Archive::new(&self.content.incidents, now));
        let renderer = Renderer::new(&self.config, &archive, templates, &self.translations, now);
        let mut output = Output::default();
        for (path, bytes) in timed(&mut timings, "render_pages", || render_pages(&renderer))? {
            output.insert(path, bytes);
        }
        for (path, bytes) in timed(&mut timings, "render_feeds", || feeds::render_feeds(&renderer))? {
            output.insert(path, bytes);
        }
        let mut list_pages: Vec<String> = output
            .files
            .keys()
            .filter_map(|p| p.strip_suffix("index.html"))
            .filter(|dir| !archive.incidents.iter().any(|i| i.path == *dir))
            .map(str::to_string)
            .collect();
        list_pages.sort();
        output.insert("sitemap.xml", sitemap::sitemap(&renderer.urls, &archive, &list_pages));
        output.insert("robots.txt", sitemap::robots(&renderer.urls));
        timed(&mut timings, "copy_static", || {
            for (path, bytes) in &self.theme.statics {
                output.files.entry(path.clone()).or_insert_with(|| bytes.clone());
            }
        });
        self.timings = timings;
        Ok(output)
    }
}

/// Builds the site at `options.root` into `output_dir`. The previous output
/// stays untouched unless the whole build succeeds.
pub fn build(options: BuildOptions, output_dir: &Path) -> Result<BuildReport, Error> {
    check_destination(&options.root, output_dir)?;
    let mut site = Site::load(options)?;
    let output = site.render()?;
    timed(&mut site.timings, "write", || write_site(output_dir, &output))?;
    Ok(BuildReport {
        pages: output.count_ending(".html"),
        feeds: output.count_ending("atom.xml") + output.count_ending("rss.xml"),
        incidents: site.content.incidents.len(),
        warnings: site.content.warnings,
        timings: site.timings,
    })
}
