//! Stage 4 (render): the values handed to templates, as plain serializable
//! structs, and how an incident's card and detail are built from an
//! incident and the build's constants.

use super::format::{self, TimeView};
use super::urls::service_path;
use super::Constants;
use crate::content::model::{Incident, Phase};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// An incident as what a page or a fragment is made of: the incident (known
/// by its source file, the file's bytes and its address, from which all of
/// it is parsed), its phase at build time and how many of its updates are
/// published then: all that its views take from the build time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IncidentInput<'a> {
    /// The incident.
    pub incident: &'a Incident,
    /// Its phase at build time.
    pub phase: Phase,
    /// How many of its updates are dated at or before the build time.
    pub published: usize,
}

impl Hash for IncidentInput<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let i = self.incident;
        // The source path's bytes: hashing a `Path` walks its components.
        (i.source.as_os_str(), i.source_hash, &i.path, self.phase, self.published).hash(state);
    }
}

/// A link to an incident's page, as what a page is made of.
#[derive(Debug, Clone, Copy, Hash)]
pub(crate) struct IncidentLink<'a> {
    /// Its site-relative path.
    pub path: &'a str,
    /// Its title.
    pub title: &'a str,
}

impl<'a> IncidentLink<'a> {
    /// The link to `incident`.
    pub(crate) fn to(incident: &'a Incident) -> Self {
        IncidentLink { path: &incident.path, title: &incident.title }
    }
}

/// A link to a service.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServiceLink {
    /// Key from site.toml.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Link to its page.
    pub url: String,
}

/// A link to another page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LinkView {
    /// Link target.
    pub url: String,
    /// Text of the link.
    pub title: String,
}

/// An incident as list pages show it.
#[derive(Debug, Clone)]
pub(crate) struct IncidentCard {
    /// Link to its page.
    pub url: String,
    /// Title.
    pub title: String,
    /// `incident`, `maintenance` or `notice`.
    pub kind: &'static str,
    /// The kind, in the site's language.
    pub kind_label: String,
    /// `minor`, `major`, `critical`, when set.
    pub severity: Option<&'static str>,
    /// The severity, in the site's language.
    pub severity_label: Option<String>,
    /// `upcoming`, `ongoing`, `overrunning`, `resolved` or `cancelled` at build time.
    pub phase: &'static str,
    /// Whether nothing more will happen by itself (`resolved`, `cancelled`):
    /// a page showing it does not depend on the build time.
    pub settled: bool,
    /// The phase, in the site's language (depends on the kind).
    pub phase_label: String,
    /// Status of the latest published update, if any.
    pub status: Option<&'static str>,
    /// Start (a maintenance: the start of its planned window).
    pub start: TimeView,
    /// End (a maintenance: the end of its planned window), when known.
    pub end: Option<TimeView>,
    /// When a completed maintenance actually ended, when it is not its planned end.
    pub actual_end: Option<TimeView>,
    /// Written duration, from the start to the actual end (or the planned
    /// end while it is to come); none when cancelled.
    pub duration: Option<String>,
    /// Affected services.
    pub services: Vec<ServiceLink>,
    /// Report reference.
    pub reference: Option<String>,
    /// Summary HTML.
    pub summary_html: Option<Arc<str>>,
}

/// How many fields [`IncidentCard::serialize_fields`] gives.
const CARD_FIELDS: usize = 17;

impl IncidentCard {
    /// Its fields, in order, as fields of the struct `state` serializes: a
    /// card's own, and an incident's page's ([`IncidentDetail`]), which
    /// shows them beside its own. (Not `#[serde(flatten)]`: that hands the
    /// fields over as a map, whose every key Tera copies, on every page.)
    fn serialize_fields<S: SerializeStruct>(&self, state: &mut S) -> Result<(), S::Error> {
        // Destructured, so that a field added to the card cannot be left out here.
        let IncidentCard {
            url,
            title,
            kind,
            kind_label,
            severity,
            severity_label,
            phase,
            settled,
            phase_label,
            status,
            start,
            end,
            actual_end,
            duration,
            services,
            reference,
            summary_html,
        } = self;
        state.serialize_field("url", url)?;
        state.serialize_field("title", title)?;
        state.serialize_field("kind", kind)?;
        state.serialize_field("kind_label", kind_label)?;
        state.serialize_field("severity", severity)?;
        state.serialize_field("severity_label", severity_label)?;
        state.serialize_field("phase", phase)?;
        state.serialize_field("settled", settled)?;
        state.serialize_field("phase_label", phase_label)?;
        state.serialize_field("status", status)?;
        state.serialize_field("start", start)?;
        state.serialize_field("end", end)?;
        state.serialize_field("actual_end", actual_end)?;
        state.serialize_field("duration", duration)?;
        state.serialize_field("services", services)?;
        state.serialize_field("reference", reference)?;
        state.serialize_field("summary_html", summary_html)
    }
}

impl Serialize for IncidentCard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("IncidentCard", CARD_FIELDS)?;
        self.serialize_fields(&mut state)?;
        state.end()
    }
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UpdateView {
    /// When it was posted.
    pub at: TimeView,
    /// Status identifier.
    pub status: &'static str,
    /// The status, in the site's language.
    pub status_label: String,
    /// Text HTML.
    pub html: Arc<str>,
}

/// An incident's own page.
#[derive(Debug, Clone)]
pub(crate) struct IncidentDetail {
    /// What lists show (its fields are the page's, see [`IncidentCard::serialize_fields`]).
    pub card: IncidentCard,
    /// The summary, when the body does not start with it (`summary` in the
    /// front matter): what a page shows above the timeline.
    pub lead_html: Option<Arc<str>>,
    /// Body HTML.
    pub body_html: Arc<str>,
    /// The timeline.
    pub updates: Vec<UpdateView>,
    /// The older incident.
    pub previous: Option<LinkView>,
    /// The newer incident.
    pub next: Option<LinkView>,
}

impl Serialize for IncidentDetail {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let IncidentDetail { card, lead_html, body_html, updates, previous, next } = self;
        let mut state = serializer.serialize_struct("IncidentDetail", CARD_FIELDS + 5)?;
        card.serialize_fields(&mut state)?;
        state.serialize_field("lead_html", lead_html)?;
        state.serialize_field("body_html", body_html)?;
        state.serialize_field("updates", updates)?;
        state.serialize_field("previous", previous)?;
        state.serialize_field("next", next)?;
        state.end()
    }
}

/// Links between the pages of a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pagination {
    /// This page's number, from 1.
    pub number: usize,
    /// Number of pages.
    pub total: usize,
    /// Link to the page before.
    pub previous: Option<String>,
    /// Link to the page after.
    pub next: Option<String>,
    /// Links to the first and last pages and those around this one, with gaps.
    pub pages: Vec<PageLink>,
}

/// A link to one page of a list, or a gap between page numbers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageLink {
    /// Page number (0 for a gap).
    pub number: usize,
    /// Link target (empty for a gap).
    pub url: String,
    /// Whether it is the page being shown.
    pub current: bool,
    /// Whether this stands for skipped page numbers (« … »).
    pub gap: bool,
}

/// The Atom and RSS feeds of the site or of one service.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FeedLinks {
    /// Feed title (site title, or site title and service name).
    pub title: String,
    /// Link to the Atom feed.
    pub atom: String,
    /// Link to the RSS feed.
    pub rss: String,
    /// Link to the maintenance calendar (`maintenance.ics`).
    pub calendar: String,
    /// The same calendar as a `webcal:` address, which calendar programs subscribe to.
    pub webcal: String,
}

/// A year in the archive navigation.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct YearLink {
    /// The year.
    pub year: i32,
    /// Link to its page.
    pub url: String,
    /// Number of posts that year.
    pub count: usize,
}

/// Count and downtime of a year, for a year page or a service page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct YearStats {
    /// The year.
    pub year: i32,
    /// Link to the year page.
    pub url: String,
    /// Number of posts.
    pub count: usize,
    /// Number of unplanned incidents.
    pub incidents: usize,
    /// Total downtime, written out.
    pub downtime: String,
}

/// One month on a year page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MonthGroup<'a> {
    /// Heading, e.g. « novembre 2016 ».
    pub title: String,
    /// `id` for the heading anchor, e.g. `m11`.
    pub anchor: String,
    /// The month's posts' card HTML, newest first.
    pub cards: Vec<&'a str>,
}

/// A service on the services page or its own page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ServiceSummary {
    /// Key from site.toml.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Description from site.toml.
    pub description: String,
    /// Link to its page.
    pub url: String,
    /// Number of posts about it.
    pub count: usize,
    /// Downtime over the twelve months before the build, written out.
    pub downtime_last_year: String,
    /// Its latest post.
    pub latest: Option<IncidentCard>,
    /// Its feeds.
    pub feeds: FeedLinks,
}

/// What an incident's card is made of, as the key of its card: every value
/// of the incident that [`IncidentCard::new`] reads (the rest comes from the
/// build's constants), so that an edit of the body or of the timeline's texts
/// keeps the lists that show the post.
pub(crate) struct CardData<'a>(pub IncidentInput<'a>);

impl Hash for CardData<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (input, i) = (self.0, self.0.incident);
        (&i.path, &i.title, i.kind, i.severity, input.phase).hash(state);
        i.updates[..input.published].last().map(|u| u.status).hash(state);
        (i.start, i.end, i.actual_end(input.phase, input.published)).hash(state);
        (&i.services, &i.reference, &i.summary_html).hash(state);
    }
}

impl IncidentCard {
    /// What lists show of `input` (what it reads of the incident is [`CardData`]).
    pub(crate) fn new(input: IncidentInput<'_>, c: &Constants<'_>) -> Self {
        let (incident, t) = (input.incident, c.t);
        let label = |key: String| t.label(&key).to_string();
        let actual_end = incident.actual_end(input.phase, input.published);
        IncidentCard {
            url: c.urls.path(&incident.path),
            title: incident.title.clone(),
            kind: incident.kind.as_str(),
            kind_label: label(format!("kind_{}", incident.kind.as_str())),
            severity: incident.severity.map(|s| s.as_str()),
            severity_label: incident.severity.map(|s| label(format!("severity_{}", s.as_str()))),
            phase: input.phase.as_str(),
            settled: input.phase.is_final(),
            phase_label: label(format!("phase_{}_{}", incident.kind.as_str(), input.phase.as_str())),
            status: incident.updates[..input.published].last().map(|u| u.status.as_str()),
            start: format::time_view(&incident.start, &t.dates),
            end: incident.end.map(|e| format::time_view(&e, &t.dates)),
            actual_end: actual_end.filter(|&e| Some(e) != incident.end).map(|e| format::time_view(&e, &t.dates)),
            duration: actual_end
                .or(incident.end)
                .filter(|_| input.phase != Phase::Cancelled)
                .map(|end| format::duration(end - incident.start, &t.durations)),
            services: incident
                .services
                .iter()
                .map(|key| ServiceLink {
                    key: key.clone(),
                    name: c.config.services.get(key).map_or_else(|| key.clone(), |s| s.name.clone()),
                    url: c.urls.path(&service_path(key)),
                })
                .collect(),
            reference: incident.reference.clone(),
            summary_html: incident.summary_html.clone(),
        }
    }
}

impl IncidentDetail {
    /// What an incident's page and feed entries show of `input`, between its neighbours.
    pub(crate) fn new(
        input: IncidentInput<'_>,
        older: Option<IncidentLink<'_>>,
        newer: Option<IncidentLink<'_>>,
        c: &Constants<'_>,
    ) -> Result<Self, crate::diagnostics::Diagnostic> {
        let incident = input.incident;
        let link =
            |l: Option<IncidentLink<'_>>| l.map(|l| LinkView { url: c.urls.path(l.path), title: l.title.to_string() });
        Ok(IncidentDetail {
            card: IncidentCard::new(input, c),
            lead_html: incident.summary_html.clone().filter(|_| !incident.summary_in_body),
            body_html: crate::content::body_html(incident, c.root, &c.markdown)?,
            updates: incident.updates[..input.published]
                .iter()
                .map(|u| UpdateView {
                    at: format::time_view(&u.at, &c.t.dates),
                    status: u.status.as_str(),
                    status_label: c.t.label(&format!("status_{}", u.status.as_str())).to_string(),
                    html: u.html.clone(),
                })
                .collect(),
            previous: link(older),
            next: link(newer),
        })
    }
}
