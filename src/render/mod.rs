//! Stage 4: the archive → the site's files. Each step (`pages`, `feeds`,
//! `calendars`, `api`, `badges`, `sitemap`) says what its files are made of as render jobs
//! ([`jobs::Job`]); one executor renders them through the theme's
//! templates ([`engine`], the only door to Tera) and streams them to the
//! sink. Each incident's card is rendered once ([`IncidentRecord`]) and
//! shared by every list that shows it. The built-in theme's card and
//! incident page are written without the template engine ([`built_in`]).

pub(crate) mod absolute_links;
pub(crate) mod aliases;
pub(crate) mod api;
pub(crate) mod availability;
pub(crate) mod badges;
pub(crate) mod board;
pub(crate) mod built_in;
pub(crate) mod calendars;
pub(crate) mod engine;
pub(crate) mod feeds;
pub(crate) mod format;
pub(crate) mod jobs;
pub(crate) mod memo;
pub(crate) mod memo_file;
pub(crate) mod pages;
pub(crate) mod sitemap;
pub mod urls;
pub(crate) mod views;

use crate::archive::{Archive, KeptArchive, Patched};
use crate::config::SiteConfig;
use crate::theme::i18n::Translations;
use engine::{Engine, PageAddress, Templates};
use jobs::{Executor, RenderError};
use rayon::prelude::*;
use serde::Serialize;
use urls::Urls;
use views::{FeedLinks, IncidentCard, IncidentInput};

/// What every view may be built from besides its page's data: the same for
/// every page of a build (and, in `vigie serve`, until the configuration or
/// the theme changes, which starts everything anew).
pub(crate) struct Constants<'a> {
    /// The site configuration.
    pub config: &'a SiteConfig,
    /// The language's words.
    pub t: &'a Translations,
    /// Link builder.
    pub urls: Urls,
    /// The site root: posts' bodies are read from their files under it.
    pub root: &'a std::path::Path,
    /// The site's Markdown renderer, for the bodies.
    pub markdown: crate::content::markdown::Markdown,
}

/// What `vigie serve` keeps of a good build's model for the next one: the
/// archive's index and every incident's record, which an edit that moves
/// no post patches in place (see [`Archive::reusing`]).
pub(crate) struct KeptModel {
    /// The archive's index.
    pub archive: KeptArchive,
    /// One record per incident, in archive order.
    pub records: Vec<IncidentRecord>,
}

/// What is made once per incident and shared by the pages that show it.
pub(crate) struct IncidentRecord {
    /// Its card (`card.html`), as every list shows it.
    pub card: Card,
}

/// An incident's card: the key of what it is made of, known at once, and
/// its HTML, rendered the first time a page that shows it is rendered
/// ([`Renderer::card_html`]). A list's key is made of its cards' keys, so
/// that a rebuild that keeps most lists renders only the cards they show.
pub(crate) struct Card {
    /// The incident's place in the archive.
    place: usize,
    /// [`jobs::key_of`] the card's data.
    key: u64,
    /// The HTML (or why the template failed), once a page asked for it.
    html: std::sync::OnceLock<Result<std::sync::Arc<str>, Box<crate::diagnostics::Diagnostic>>>,
}

impl std::hash::Hash for Card {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

/// The kind of fragment a card is (in fragment keys).
pub(crate) const CARD_KIND: &str = "card";

/// Everything the render steps work with.
pub(crate) struct Renderer<'a> {
    /// What every view may use.
    pub c: Constants<'a>,
    /// The indexed incidents.
    pub archive: &'a Archive<'a>,
    /// The templates, with this build's global values.
    pub engine: Engine<'a>,
    /// Runs the jobs and streams their files.
    pub executor: Executor<'a>,
    /// One record per incident, in archive order.
    pub records: Vec<IncidentRecord>,
    /// What changed since the last good build, when the model was patched
    /// ([`Archive::reusing`]): every post but the edited ones is shown as
    /// then, and steps may list only the files that show these (saying so
    /// with [`jobs::Executor::carry`]); see [`Renderer::edited`].
    pub patched: Option<Patched>,
    /// Each service's availability at build time, made once for the board
    /// and the service pages (see [`Renderer::availability_of`]).
    availability: std::sync::OnceLock<Vec<(&'a str, availability::AvailabilityData<'a>)>>,
    /// What vigie writes itself when the theme's card or incident page is
    /// the built-in one ([`built_in`]).
    built_in: Option<built_in::BuiltIn>,
}

/// The values every template gets, whatever the page.
#[derive(Serialize)]
struct Globals<'a> {
    site: SiteView<'a>,
    t: &'a std::collections::BTreeMap<String, String>,
    /// Pages about services replace it with theirs.
    service_feeds: Option<()>,
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

/// The card template's values.
#[derive(Serialize)]
struct CardValues<'v> {
    i: &'v IncidentCard,
}

impl<'a> Renderer<'a> {
    /// Sets the build's global values on `templates` and makes every
    /// incident's record (its card's key; the card is rendered when a page
    /// needs it); with `kept` (the records of the last good build, when the
    /// archive was patched, and what the patch did), makes only those of
    /// the posts patched and keeps the others, with the cards they hold.
    pub(crate) fn new(
        c: Constants<'a>,
        archive: &'a Archive<'a>,
        templates: &'a mut Templates,
        executor: Executor<'a>,
        kept: Option<(Vec<IncidentRecord>, &Patched)>,
    ) -> Result<Self, RenderError> {
        let globals = Globals {
            site: SiteView {
                title: &c.config.title,
                description: &c.config.description,
                language: &c.config.language,
                base_url: c.config.base_url.as_str(),
                base_path: c.urls.base_path(),
                feeds: site_feeds(c.config, &c.urls),
            },
            t: &c.t.labels,
            service_feeds: None,
        };
        let built_in = built_in::BuiltIn::of(templates, &c, &globals.site.feeds);
        let engine = templates.with_globals(&globals)?;
        let mut renderer = Renderer {
            c,
            archive,
            engine,
            executor,
            records: Vec::new(),
            patched: None,
            availability: std::sync::OnceLock::new(),
            built_in,
        };
        renderer.records = match kept {
            Some((mut records, patched)) if records.len() == archive.incidents.len() => {
                for &n in &patched.places {
                    records[n] = renderer.record(n)?;
                }
                renderer.patched = Some(patched.clone());
                records
            }
            _ => (0..archive.incidents.len()).into_par_iter().map(|n| renderer.record(n)).collect::<Result<_, _>>()?,
        };
        Ok(renderer)
    }

    /// The places of the posts edited since the last good build, when the
    /// model was patched (see [`Renderer::patched`]).
    pub(crate) fn edited(&self) -> Option<&[usize]> {
        self.patched.as_ref().map(|p| p.places.as_slice())
    }

    /// The availability of service `key` at build time: every service's is
    /// made the first time one is asked for (on all cores), then shared.
    pub(crate) fn availability_of(&self, key: &str) -> &availability::AvailabilityData<'a> {
        let all = self.availability.get_or_init(|| {
            let keys: Vec<&'a str> = self.c.config.services.keys().map(String::as_str).collect();
            keys.into_par_iter().map(|key| (key, availability::AvailabilityData::of(self, key))).collect()
        });
        let at = all.binary_search_by(|(k, _)| (*k).cmp(key)).expect("a service of the site");
        &all[at].1
    }

    /// Incident `n`'s record: its card's key (the card is rendered when a page needs it).
    fn record(&self, n: usize) -> Result<IncidentRecord, RenderError> {
        let key = jobs::key_of((CARD_KIND, views::CardData(self.input(n))));
        Ok(IncidentRecord { card: Card { place: n, key, html: std::sync::OnceLock::new() } })
    }

    /// The HTML of `card`, rendered the first time it is asked for (through
    /// the reuse hook, which may have it from an earlier build).
    pub(crate) fn card_html<'s>(&'s self, card: &'s Card) -> Result<&'s str, crate::diagnostics::Diagnostic> {
        self.card_html_from(card, None)
    }

    /// Renders incident `n`'s card from `view` (its values, which its page
    /// made too) unless a page already asked for it: the values of each
    /// incident are then made once for its page and its card.
    pub(crate) fn share_card(&self, n: usize, view: &IncidentCard) -> Result<(), crate::diagnostics::Diagnostic> {
        self.records.get(n).map_or(Ok(()), |record| self.card_html_from(&record.card, Some(view)).map(|_| ()))
    }

    /// [`Renderer::card_html`], from `view` when given (else made now).
    fn card_html_from<'s>(
        &'s self,
        card: &'s Card,
        view: Option<&IncidentCard>,
    ) -> Result<&'s str, crate::diagnostics::Diagnostic> {
        let html = card.html.get_or_init(|| {
            let input = self.input(card.place);
            self.executor
                .keyed_fragment(CARD_KIND, card.key, &mut || {
                    let made;
                    let card = match view {
                        Some(view) => view,
                        None => {
                            made = IncidentCard::new(input, &self.c);
                            &made
                        }
                    };
                    match self.built_in.as_ref().filter(|b| b.card) {
                        Some(b) => Ok(std::sync::Arc::from(built_in::card::card_html(card, b))),
                        None => self
                            .render_text("card.html", &input.incident.path, &CardValues { i: card })
                            .map(std::sync::Arc::from),
                    }
                })
                .map(|fragment| fragment.html)
                .map_err(Box::new)
        });
        html.as_deref().map_err(|e| (**e).clone())
    }

    /// Incident `n` (archive order) as what pages are made of.
    pub(crate) fn input(&self, n: usize) -> IncidentInput<'a> {
        let incident: &'a crate::content::model::Incident = &self.archive.incidents[n];
        IncidentInput { incident, phase: self.archive.phases[n], published: self.archive.published[n] }
    }

    /// Renders `template` for the page at site-relative `page` into `out`.
    pub(crate) fn render(
        &self,
        template: &str,
        page: &str,
        values: &impl Serialize,
        out: &mut Vec<u8>,
    ) -> Result<(), crate::diagnostics::Diagnostic> {
        self.at(page, |address| self.engine.render(template, address, values, out))
    }

    /// What `f` makes of the address of the page at site-relative `page`.
    pub(crate) fn at<T>(&self, page: &str, f: impl FnOnce(&PageAddress<'_>) -> T) -> T {
        let (url, permalink) = (self.c.urls.path(page), self.c.urls.absolute(page));
        f(&PageAddress { page, url: &url, permalink: &permalink })
    }

    /// The templates whose files vigie writes itself, without the template engine.
    pub(crate) fn written_by_vigie(&self) -> Vec<&'static str> {
        let Some(b) = &self.built_in else { return Vec::new() };
        [(b.card, "card.html"), (b.incident_page, "incident.html")]
            .into_iter()
            .filter(|(yes, _)| *yes)
            .map(|(_, t)| t)
            .collect()
    }

    /// What vigie writes itself of the built-in incident page, when the
    /// theme's is the built-in one ([`built_in`]).
    pub(crate) fn built_in_incident_page(&self) -> Option<&built_in::BuiltIn> {
        self.built_in.as_ref().filter(|b| b.incident_page)
    }

    /// [`Renderer::render`], as text (a fragment).
    pub(crate) fn render_text(
        &self,
        template: &str,
        page: &str,
        values: &impl Serialize,
    ) -> Result<String, crate::diagnostics::Diagnostic> {
        let mut out = Vec::with_capacity(4096);
        self.render(template, page, values, &mut out)?;
        // Tera writes text: its output is UTF-8.
        Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}

/// The site-wide feeds.
pub(crate) fn site_feeds(config: &SiteConfig, urls: &Urls) -> FeedLinks {
    feed_links(config.title.clone(), urls, None)
}

/// The feeds of one service.
pub(crate) fn service_feeds(config: &SiteConfig, urls: &Urls, key: &str) -> FeedLinks {
    let name = config.services.get(key).map_or(key, |s| s.name.as_str());
    feed_links(format!("{} – {}", config.title, name), urls, Some(key))
}

/// The feeds and the calendar of the site (`None`) or of a service.
fn feed_links(title: String, urls: &Urls, service: Option<&str>) -> FeedLinks {
    let dir = service.map(urls::service_path).unwrap_or_default();
    let calendar = calendars::calendar_path(service);
    FeedLinks {
        title,
        atom: urls.path(&format!("{dir}atom.xml")),
        rss: urls.path(&format!("{dir}rss.xml")),
        webcal: urls.webcal(&calendar),
        calendar: urls.path(&calendar),
    }
}
