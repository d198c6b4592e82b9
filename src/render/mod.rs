//! Stage 4: the archive → HTML pages, through the theme's Tera templates.
//! Views are built once per incident (`cards`) and shared by every page
//! that shows it; pages render in parallel.

pub mod fold;
pub mod format;
pub mod i18n;
pub mod memo;
pub mod pages;
pub mod sitemap;
pub mod templates;
pub mod theme;
pub mod urls;
pub mod views;

use crate::archive::Archive;
use crate::config::SiteConfig;
use crate::content::model::Incident;
use chrono::DateTime;
use chrono_tz::Tz;
use i18n::Translations;
use rayon::prelude::*;
use serde::Serialize;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use templates::Templates;
use urls::Urls;
use views::{FeedLinks, IncidentCard, IncidentDetail, LinkView, ServiceLink, UpdateView};

/// Why a page could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed on this page.
    #[error("{}: error: cannot render {page}", .template.display())]
    Template {
        /// The page being rendered (site-relative path).
        page: String,
        /// The template file.
        template: PathBuf,
        /// Tera's error.
        #[source]
        source: Box<tera::Error>,
    },
    /// The rendered page could not be stored.
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

/// Everything pages are rendered with.
pub struct Renderer<'a> {
    /// The site configuration.
    pub config: &'a SiteConfig,
    /// The indexed incidents.
    pub archive: &'a Archive<'a>,
    /// The compiled templates.
    pub templates: &'a Templates,
    /// The templates with this build's constants folded in (see [`fold`]).
    tera: tera::Tera,
    /// Tells this renderer's scratch contexts from an earlier one's.
    generation: u64,
    /// The language's words.
    pub t: &'a Translations,
    /// Link builder.
    pub urls: Urls,
    /// Values every template gets.
    pub base: tera::Context,
    /// Each incident's card HTML (`card.html`), in archive order, shared by every list.
    pub card_html: Vec<Arc<str>>,
    /// A hash of each card's HTML, what list pages are made of (in `vigie serve` only).
    pub card_hashes: Vec<u64>,
    /// Where rendered files go.
    pub sink: &'a dyn crate::output::Sink,
    /// What the last good build rendered, in `vigie serve`.
    pub memo: Option<&'a memo::RenderMemo>,
    /// A hash of what each incident's card shows, in archive order (in `vigie serve` only).
    pub card_keys: Vec<u64>,
    /// A hash of what each incident's page shows, in archive order (in `vigie serve` only).
    pub page_keys: Vec<u64>,
}

/// The shared values that no page replaces.
const CONSTANTS: [&str; 3] = ["site", "t", "generated"];

/// Numbers each renderer, for [`SCRATCH`].
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's context: the shared values of the renderer numbered
    /// `.0`, to which each page adds its own for the time of its rendering.
    static SCRATCH: RefCell<(u64, tera::Context)> = RefCell::new((0, tera::Context::new()));
    /// The length of the last page this thread rendered: room to reserve for the next.
    static LAST_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(8192) };
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    feeds: FeedLinks,
}

impl<'a> Renderer<'a> {
    /// Prepares views and the shared context. `generated` is the build time shown in footers.
    pub fn new(
        config: &'a SiteConfig,
        archive: &'a Archive<'a>,
        templates: &'a Templates,
        t: &'a Translations,
        generated: DateTime<Tz>,
        sink: &'a dyn crate::output::Sink,
        memo: Option<&'a memo::RenderMemo>,
    ) -> Result<Self, RenderError> {
        let urls = Urls::new(&config.base_url);
        let mut base = tera::Context::new();
        base.insert(
            "site",
            &SiteView {
                title: &config.title,
                description: &config.description,
                language: &config.language,
                base_url: config.base_url.as_str(),
                base_path: urls.base_path(),
                feeds: site_feeds(config, &urls),
            },
        );
        base.insert("t", &t.labels);
        base.insert("generated", &format::time_view(&generated, &t.dates));
        base.insert("service_feeds", &Option::<FeedLinks>::None);
        // Keys tell `vigie serve` what it can reuse; a plain build needs none.
        let (card_keys, page_keys) = match memo {
            Some(_) => input_keys(archive),
            None => (Vec::new(), Vec::new()),
        };
        let mut tera = templates.tera.clone();
        if let tera::Value::Object(mut constants) = base.clone().into_json() {
            // Pages may replace `service_feeds`; the other shared values are the same on every page.
            constants.retain(|key, _| CONSTANTS.contains(&key.as_str()));
            fold::fold_constants(&mut tera, &constants, templates::escape_html);
        }
        let mut renderer = Renderer {
            config,
            archive,
            templates,
            tera,
            generation: GENERATION.fetch_add(1, Ordering::Relaxed) + 1,
            t,
            urls,
            base,
            card_html: Vec::new(),
            card_hashes: Vec::new(),
            sink,
            memo,
            card_keys,
            page_keys,
        };
        let cards: Vec<(Arc<str>, u64)> = (0..archive.incidents.len())
            .into_par_iter()
            .map(|n| {
                let render = || {
                    let mut cx = tera::Context::new();
                    cx.insert("i", &renderer.card(n));
                    renderer.render_string("card.html", &archive.incidents[n].path, cx).map(Arc::from)
                };
                match renderer.memo {
                    Some(memo) => memo.fragment("card", renderer.card_keys[n], render),
                    None => render().map(|html| (html, 0)),
                }
            })
            .collect::<Result<_, _>>()?;
        (renderer.card_html, renderer.card_hashes) = cards.into_iter().unzip();
        Ok(renderer)
    }

    /// The card view of incident `n` (archive order).
    pub fn card(&self, n: usize) -> IncidentCard {
        card(&self.archive.incidents[n], self.config, self.archive, self.t, &self.urls)
    }

    /// Renders `template` with `context` added to the shared values.
    pub fn render(&self, template: &str, page: &str, context: tera::Context) -> Result<Vec<u8>, RenderError> {
        let mut out = Vec::with_capacity(LAST_LENGTH.get() + 1024);
        self.render_to(template, page, context, &mut out)?;
        LAST_LENGTH.set(out.len());
        Ok(out)
    }

    /// [`Renderer::render`], as text.
    pub fn render_string(&self, template: &str, page: &str, context: tera::Context) -> Result<String, RenderError> {
        let mut out = Vec::with_capacity(4096);
        self.render_to(template, page, context, &mut out)?;
        String::from_utf8(out).map_err(|e| self.template_error(template, page, tera::Error::msg(e)))
    }

    /// Renders into `out`. The shared values are not copied for each page:
    /// each thread keeps a context holding them, adds the page's values for
    /// the time of the rendering, then puts the shared ones back.
    fn render_to(
        &self,
        template: &str,
        page: &str,
        context: tera::Context,
        out: &mut Vec<u8>,
    ) -> Result<(), RenderError> {
        let tera::Value::Object(values) = context.into_json() else { unreachable!("a Tera context is an object") };
        let keys: Vec<String> = values.keys().cloned().collect();
        SCRATCH.with_borrow_mut(|(generation, cx)| {
            if *generation != self.generation {
                *generation = self.generation;
                *cx = self.base.clone();
            }
            cx.extend(tera::Context::from_value(tera::Value::Object(values)).unwrap_or_default());
            cx.insert("page_url", &self.urls.path(page));
            cx.insert("permalink", &self.urls.absolute(page));
            let rendered = self.tera.render_to(template, cx, &mut *out);
            for key in keys {
                match self.base.get(&key) {
                    Some(shared) => cx.insert(key, shared),
                    None => drop(cx.remove(&key)),
                }
            }
            rendered.map_err(|source| self.template_error(template, page, source))
        })
    }

    fn template_error(&self, template: &str, page: &str, source: tera::Error) -> RenderError {
        RenderError::Template {
            page: format!("/{page}"),
            source: Box::new(source),
            template: self.templates.origins.get(template).cloned().unwrap_or_else(|| PathBuf::from(template)),
        }
    }

    /// Renders `template` for the page at `page` and stores it as `file` in the sink.
    pub fn emit(&self, file: &str, template: &str, page: &str, context: tera::Context) -> Result<(), RenderError> {
        let bytes = self.render(template, page, context)?;
        self.sink.put(file, bytes)?;
        Ok(())
    }

    /// [`Renderer::emit`] for a page whose inputs hash to `key()`: in `vigie
    /// serve`, a page rendered from the same inputs by the last good build is
    /// kept as it is, and its context is not even built.
    pub fn emit_keyed(
        &self,
        file: &str,
        key: impl FnOnce() -> u64,
        template: &str,
        page: &str,
        context: impl FnOnce() -> tera::Context,
    ) -> Result<(), RenderError> {
        if self.reuse(file, key) {
            return Ok(());
        }
        self.emit(file, template, page, context())
    }

    /// Whether `file`, whose inputs hash to `key()`, can be kept from the last
    /// good build of `vigie serve` (never in a plain build).
    pub fn reuse(&self, file: &str, key: impl FnOnce() -> u64) -> bool {
        self.memo.is_some_and(|memo| memo.reuse(file, key()))
    }

    /// The full view of incident `n` (archive order), as its page and feed entries show it.
    pub fn detail(&self, n: usize) -> IncidentDetail<'_> {
        let incident = &self.archive.incidents[n];
        let (older, newer) = self.archive.neighbours(n);
        let link = |i: Option<&Incident>| i.map(|i| LinkView { url: self.urls.path(&i.path), title: i.title.clone() });
        IncidentDetail {
            card: self.card(n),
            lead_html: incident.summary_html.clone().filter(|_| !incident.summary_in_body),
            body_html: &incident.body_html,
            updates: incident
                .updates
                .iter()
                .map(|u| UpdateView {
                    at: format::time_view(&u.at, &self.t.dates),
                    status: u.status.as_str(),
                    status_label: self.t.label(&format!("status_{}", u.status.as_str())).to_string(),
                    html: u.html.clone(),
                })
                .collect(),
            previous: link(older),
            next: link(newer),
        }
    }

    /// A written duration.
    pub fn duration(&self, d: chrono::Duration) -> String {
        format::duration(d, &self.t.durations)
    }
}

/// What each incident's card and page are made of, as hashes, in archive order.
fn input_keys<'i>(archive: &'i Archive<'_>) -> (Vec<u64>, Vec<u64>) {
    let card_keys: Vec<u64> = archive
        .incidents
        .par_iter()
        .map(|i| memo::key_of((i.source_hash, &i.path, i.phase(archive.now).as_str())))
        .collect();
    let page_keys = (0..archive.incidents.len())
        .into_par_iter()
        .map(|n| {
            let (older, newer) = archive.neighbours(n);
            let neighbour = |i: Option<&'i Incident>| i.map(|i| (i.source_hash, i.path.as_str()));
            memo::key_of((card_keys[n], neighbour(older), neighbour(newer)))
        })
        .collect();
    (card_keys, page_keys)
}

/// The site-wide feeds.
pub fn site_feeds(config: &SiteConfig, urls: &Urls) -> FeedLinks {
    FeedLinks { title: config.title.clone(), atom: urls.path("atom.xml"), rss: urls.path("rss.xml") }
}

/// The feeds of one service.
pub fn service_feeds(config: &SiteConfig, urls: &Urls, key: &str) -> FeedLinks {
    let name = config.services.get(key).map_or(key, |s| s.name.as_str());
    FeedLinks {
        title: format!("{} – {}", config.title, name),
        atom: urls.path(&format!("services/{key}/atom.xml")),
        rss: urls.path(&format!("services/{key}/rss.xml")),
    }
}

/// The site-relative path of a service page.
pub fn service_path(key: &str) -> String {
    format!("services/{key}/")
}

fn card(
    incident: &Incident,
    config: &SiteConfig,
    archive: &Archive<'_>,
    t: &Translations,
    urls: &Urls,
) -> IncidentCard {
    IncidentCard {
        url: urls.path(&incident.path),
        title: incident.title.clone(),
        kind: incident.kind.as_str(),
        kind_label: t.label(&format!("kind_{}", incident.kind.as_str())).to_string(),
        severity: incident.severity.map(|s| s.as_str()),
        severity_label: incident.severity.map(|s| t.label(&format!("severity_{}", s.as_str())).to_string()),
        phase: incident.phase(archive.now).as_str(),
        phase_label: t
            .label(&format!("phase_{}_{}", incident.kind.as_str(), incident.phase(archive.now).as_str()))
            .to_string(),
        status: incident.updates.last().map(|u| u.status.as_str()),
        start: format::time_view(&incident.start, &t.dates),
        end: incident.end.map(|e| format::time_view(&e, &t.dates)),
        duration: incident.duration().map(|d| format::duration(d, &t.durations)),
        services: incident
            .services
            .iter()
            .map(|key| ServiceLink {
                key: key.clone(),
                name: config.services.get(key).map_or_else(|| key.clone(), |s| s.name.clone()),
                url: urls.path(&service_path(key)),
            })
            .collect(),
        reference: incident.reference.clone(),
        summary_html: incident.summary_html.clone(),
    }
}
