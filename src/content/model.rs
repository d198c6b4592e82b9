//! Stage 3 (model): the incident model, what one Markdown file describes
//! once parsed and validated. Every time is held in the site's time zone.

use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// What kind of event a post describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An unplanned outage or degradation.
    #[default]
    Incident,
    /// A planned maintenance window.
    Maintenance,
    /// Information for customers, with no outage.
    Notice,
}

impl Kind {
    /// The identifier used in front matter, templates and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Incident => "incident",
            Kind::Maintenance => "maintenance",
            Kind::Notice => "notice",
        }
    }
}

/// How badly an incident hit its services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Degraded for some customers.
    Minor,
    /// Unavailable for many customers.
    Major,
    /// Unavailable for all customers.
    Critical,
}

impl Severity {
    /// The identifier used in front matter, templates and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
}

/// The state announced by one timeline update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Incident: the cause is being looked for.
    Investigating,
    /// Incident: the cause is known.
    Identified,
    /// Incident: a fix is in place and watched.
    Monitoring,
    /// Incident: over.
    Resolved,
    /// Maintenance: announced.
    Scheduled,
    /// Maintenance: under way.
    InProgress,
    /// Maintenance: over.
    Completed,
    /// Maintenance: called off; its window stays announced as cancelled.
    Cancelled,
}

impl Status {
    /// The identifier used in front matter, templates and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::Identified => "identified",
            Status::Monitoring => "monitoring",
            Status::Resolved => "resolved",
            Status::Scheduled => "scheduled",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Every status, incidents' first, then maintenances'.
    pub(crate) const ALL: [Status; 8] = [
        Status::Investigating,
        Status::Identified,
        Status::Monitoring,
        Status::Resolved,
        Status::Scheduled,
        Status::InProgress,
        Status::Completed,
        Status::Cancelled,
    ];

    /// The status whose identifier is `name` (as [`Status::as_str`] gives it).
    pub(crate) fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether this status closes the timeline.
    pub(crate) fn is_final(self) -> bool {
        matches!(self, Status::Resolved | Status::Completed | Status::Cancelled)
    }

    /// Whether this status says that the event took place and is over
    /// (`resolved`, `completed`; not `cancelled`), so that it has an end.
    pub(crate) fn ends_it(self) -> bool {
        matches!(self, Status::Resolved | Status::Completed)
    }

    /// The statuses a post of `kind` may use.
    pub(crate) fn allowed_for(kind: Kind) -> &'static [Status] {
        match kind {
            Kind::Maintenance => &[Status::Scheduled, Status::InProgress, Status::Completed, Status::Cancelled],
            Kind::Incident | Kind::Notice => {
                &[Status::Investigating, Status::Identified, Status::Monitoring, Status::Resolved]
            }
        }
    }
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Update {
    /// When it was posted.
    #[serde(with = "zoned")]
    pub at: DateTime<Tz>,
    /// The state it announced.
    pub status: Status,
    /// Its text, rendered from Markdown.
    pub html: Arc<str>,
    /// Its text as written (Markdown), for plain-text outputs such as calendars.
    pub text: Arc<str>,
}

/// Where an incident stands at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Phase {
    /// Not started yet (a planned maintenance, typically).
    Upcoming,
    /// Started and not over (a maintenance: in progress).
    Ongoing,
    /// A maintenance still in progress after the end of its planned window.
    Overrunning,
    /// Over (a maintenance: completed).
    Resolved,
    /// A maintenance that was called off.
    Cancelled,
}

impl Phase {
    /// The identifier used in templates and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Ongoing => "ongoing",
            Phase::Overrunning => "overrunning",
            Phase::Resolved => "resolved",
            Phase::Cancelled => "cancelled",
        }
    }

    /// Whether what it describes is happening now (« En ce moment »).
    pub(crate) fn is_current(self) -> bool {
        matches!(self, Phase::Ongoing | Phase::Overrunning)
    }

    /// Whether nothing more will happen by itself: a page that shows only
    /// final phases does not depend on the build time.
    pub(crate) fn is_final(self) -> bool {
        matches!(self, Phase::Resolved | Phase::Cancelled)
    }
}

/// What the next change of an incident's phase or timeline will be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Its start is reached.
    Starts,
    /// Its (planned) end is reached.
    Ends,
    /// An update dated in the future (written ahead of time) comes out, with this status.
    Update(Status),
    /// It leaves « the last twelve months » of the downtime figures (see
    /// `Archive::next_change`; never given by [`Incident::next_change`]).
    LeavesLastYear,
    /// It leaves the maintenance calendars, past their retention (likewise).
    LeavesCalendar,
}

/// An incident's body (the Markdown after the front matter). Past the first
/// [`crate::content::KEPT_BODIES_BYTES`] of posts a load reads, a post keeps
/// only where its body starts: the page that shows it reads the file again
/// and renders it then ([`crate::content::body_html`]), so that a build of a
/// large archive never holds every body at once (at 100 000 posts, the
/// bodies' HTML would be half of its memory).
/// Kept on disk between builds as where it starts in its file only (the
/// rendered HTML would make the memo as big as the archive): read back, it
/// is rendered by the page that shows it, if that page is rendered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Rendered when parsed.
    Rendered {
        /// The HTML.
        html: Arc<str>,
        /// Byte offset of the body in the text it was parsed from.
        offset: usize,
    },
    /// In the source file, from this byte on; the file's bytes are those
    /// whose hash is the incident's `source_hash`.
    InFile {
        /// Byte offset of the body in the file.
        offset: usize,
    },
}

/// One validated incident post. It is kept on disk between builds as it
/// is parsed (see [`crate::content::parse_cache`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Incident {
    /// The source file, relative to the site root.
    pub source: PathBuf,
    /// Title as written.
    pub title: String,
    /// URL segment, ASCII-folded from the title unless given.
    pub slug: String,
    /// Start of the event.
    #[serde(with = "zoned")]
    pub start: DateTime<Tz>,
    /// End of the event; `None` while it lasts.
    #[serde(with = "zoned::optional")]
    pub end: Option<DateTime<Tz>>,
    /// Keys of the affected services, as declared in site.toml, in file order.
    pub services: Vec<String>,
    /// Incident, maintenance or notice.
    pub kind: Kind,
    /// Severity, for incidents.
    pub severity: Option<Severity>,
    /// The provider's report reference, e.g. "IG-2024-09-23-001".
    pub reference: Option<String>,
    /// Summary, rendered from Markdown: the `summary` field, or the body up
    /// to `<!-- more -->`.
    pub summary_html: Option<Arc<str>>,
    /// Whether the summary is the start of the body (`<!-- more -->`), so
    /// that a page showing the body need not show it again.
    pub summary_in_body: bool,
    /// Whether the post is a draft (built only with `--drafts`).
    pub draft: bool,
    /// The timeline, in order.
    pub updates: Vec<Update>,
    /// The body: rendered, or where to render it from.
    pub body: Body,
    /// Site-relative URL path, e.g. `2016/11/22/panne-messagerie/`.
    pub path: String,
    /// A hash of the source file's bytes: equal hashes, equal incidents.
    pub source_hash: u64,
    /// Old addresses of the post, each given a page that redirects to it.
    pub aliases: Vec<Alias>,
}

/// An old address of a post (`aliases = ["/issues/2019-03-01-panne/"]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Alias {
    /// The file that redirects, site-relative: `issues/2019-03-01-panne/index.html`, or `old.html` as given.
    pub file: String,
    /// Where it is written in the front matter (line, column).
    pub at: (usize, usize),
}

impl Incident {
    /// When it was first told: its first update, or its start when that is earlier or when it has none.
    pub(crate) fn announced(&self) -> DateTime<Tz> {
        self.updates.first().map_or(self.start, |u| u.at.min(self.start))
    }

    /// How many of its updates are published at `now`: those dated at or
    /// before it (the timeline is in time order). An update written ahead
    /// of time appears when its time comes.
    pub(crate) fn published_updates(&self, now: DateTime<Tz>) -> usize {
        self.updates.partition_point(|u| u.at <= now)
    }

    /// Whether it concerns the service `key`.
    pub(crate) fn concerns(&self, key: &str) -> bool {
        self.services.iter().any(|s| s == key)
    }

    /// Whether it is public at `now`: its announcement has come. Pages,
    /// feeds, calendars, the status API and the sitemap show a post only
    /// then (its own page is built before, at a URL nothing links to).
    pub(crate) fn is_announced(&self, now: DateTime<Tz>) -> bool {
        self.announced() <= now
    }

    /// The time of the latest change seen at `now` (see [`Incident::changes`]);
    /// `None` when it is not announced yet.
    pub(crate) fn last_change(&self, now: DateTime<Tz>) -> Option<DateTime<Tz>> {
        self.changes().map(|(t, _)| t).filter(|&t| t <= now).max()
    }

    /// The soonest change after `now` (see [`Incident::changes`]), and what.
    pub(crate) fn next_change(&self, now: DateTime<Tz>) -> Option<(DateTime<Tz>, Change)> {
        // Every change is at its start, its end or an update (in time order):
        // when all of them are past, none is to come (most of an archive).
        let latest =
            self.updates.last().map_or(self.start, |u| u.at).max(self.start).max(self.end.unwrap_or(self.start));
        if latest <= now {
            return None;
        }
        self.changes().filter(|&(t, _)| t > now).min_by_key(|&(t, _)| t)
    }

    /// Every time at which something that is shown of it changes, with
    /// what: its announcement, each update (which appears at its time), and
    /// its start and planned end when its phase or its place in the history
    /// changes then. A planned end reached after a `completed` or a
    /// `cancelled` changes nothing, nor does a start reached after an early
    /// `in_progress`. [`Incident::last_change`] and [`Incident::next_change`]
    /// both read this one list, so the time a feed, calendar or sitemap says
    /// a post last changed and the time `vigie build` says it changes next
    /// never disagree.
    fn changes(&self) -> impl Iterator<Item = (DateTime<Tz>, Change)> + '_ {
        let announced = self.announced();
        let turns = move |t: DateTime<Tz>| {
            let before = t - Duration::nanoseconds(1);
            t == announced || self.phase(before) != self.phase(t) || self.has_started(before) != self.has_started(t)
        };
        let start = std::iter::once((self.start, Change::Starts));
        let end = self.end.map(|end| (end, Change::Ends));
        let edges = start.chain(end).filter(move |&(t, _)| turns(t));
        edges.chain(self.updates.iter().map(|u| (u.at, Change::Update(u.status))))
    }

    /// The status of its latest update published at `now`.
    pub(crate) fn status_at(&self, now: DateTime<Tz>) -> Option<Status> {
        self.updates[..self.published_updates(now)].last().map(|u| u.status)
    }

    /// Where the incident stands at `now`. A maintenance's timeline decides
    /// first (`cancelled`, `completed`, `in_progress`: still in progress
    /// after its planned end, it is overrunning), then its planned window;
    /// any other post goes by its start and end.
    pub(crate) fn phase(&self, now: DateTime<Tz>) -> Phase {
        if self.kind == Kind::Maintenance {
            match self.status_at(now) {
                Some(Status::Cancelled) => return Phase::Cancelled,
                Some(Status::Completed) => return Phase::Resolved,
                Some(Status::InProgress) if self.end.is_some_and(|end| end <= now) => return Phase::Overrunning,
                Some(Status::InProgress) => return Phase::Ongoing,
                _ => {}
            }
        }
        if self.start > now {
            Phase::Upcoming
        } else if self.end.is_none_or(|end| end > now) {
            Phase::Ongoing
        } else {
            Phase::Resolved
        }
    }

    /// Whether it has started at `now`: history and year pages show only
    /// what has. A maintenance starts at its planned start, or earlier with
    /// an `in_progress` (or `completed`) update; once started it stays so,
    /// even when it is cancelled afterwards. A maintenance cancelled before
    /// it started enters the history at its planned start.
    pub(crate) fn has_started(&self, now: DateTime<Tz>) -> bool {
        let early = |u: &Update| matches!(u.status, Status::InProgress | Status::Completed);
        self.start <= now
            || (self.kind == Kind::Maintenance && self.updates[..self.published_updates(now)].iter().any(early))
    }

    /// When it actually ended, given its `phase` and how many updates are
    /// `published` (see [`Incident::published_updates`]), once it is
    /// `resolved`: for a maintenance, its published `completed` update
    /// (which may be before or after the planned end); otherwise its end.
    pub(crate) fn actual_end(&self, phase: Phase, published: usize) -> Option<DateTime<Tz>> {
        if phase != Phase::Resolved {
            return None;
        }
        let published = &self.updates[..published];
        let completed = published.iter().find(|u| u.status == Status::Completed).map(|u| u.at);
        match self.kind {
            Kind::Maintenance => completed.or(self.end),
            _ => self.end,
        }
    }

    /// How long it lasted, when it is over.
    pub(crate) fn duration(&self) -> Option<Duration> {
        self.end.map(|end| end - self.start)
    }

    /// Whether its duration counts as downtime (ended, unplanned incidents).
    pub(crate) fn counts_as_downtime(&self) -> bool {
        self.kind == Kind::Incident && self.end.is_some()
    }
}

/// A post of the web service for unit tests: `n` names its file, slug and
/// address; `updates` are times and statuses, without text; no body.
/// A time in its zone as serde sees it: the instant (seconds and
/// nanoseconds since 1970) and the zone's name, so that it reads back as
/// the same time in the same zone.
mod zoned {
    use chrono::{DateTime, TimeZone};
    use chrono_tz::Tz;
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    type Parts = (i64, u32, String);

    fn parts(at: &DateTime<Tz>) -> Parts {
        (at.timestamp(), at.timestamp_subsec_nanos(), at.timezone().name().to_string())
    }

    fn time<E: Error>((seconds, nanoseconds, zone): Parts) -> Result<DateTime<Tz>, E> {
        let zone: Tz = zone.parse().map_err(E::custom)?;
        zone.timestamp_opt(seconds, nanoseconds).single().ok_or_else(|| E::custom("a time out of range"))
    }

    pub(super) fn serialize<S: Serializer>(at: &DateTime<Tz>, to: S) -> Result<S::Ok, S::Error> {
        parts(at).serialize(to)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<DateTime<Tz>, D::Error> {
        time(Parts::deserialize(from)?)
    }

    /// The same, for a time that may be missing.
    pub(super) mod optional {
        use super::*;

        pub(in crate::content::model) fn serialize<S: Serializer>(
            at: &Option<DateTime<Tz>>,
            to: S,
        ) -> Result<S::Ok, S::Error> {
            at.as_ref().map(parts).serialize(to)
        }

        pub(in crate::content::model) fn deserialize<'de, D: Deserializer<'de>>(
            from: D,
        ) -> Result<Option<DateTime<Tz>>, D::Error> {
            Option::<Parts>::deserialize(from)?.map(time).transpose()
        }
    }
}

impl Body {
    /// Where it starts in its file.
    fn offset(&self) -> usize {
        match self {
            Body::Rendered { offset, .. } | Body::InFile { offset } => *offset,
        }
    }
}

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {
        self.offset().serialize(to)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Body, D::Error> {
        Ok(Body::InFile { offset: usize::deserialize(from)? })
    }
}

#[cfg(test)]
pub(crate) fn test_post(
    n: usize,
    kind: Kind,
    (start, end): (DateTime<Tz>, Option<DateTime<Tz>>),
    updates: &[(DateTime<Tz>, Status)],
) -> Incident {
    Incident {
        source: format!("content/{n}.md").into(),
        title: format!("Post {n}"),
        slug: format!("post-{n}"),
        start,
        end,
        services: vec!["web".into()],
        kind,
        severity: None,
        reference: None,
        summary_html: None,
        summary_in_body: false,
        draft: false,
        updates: updates
            .iter()
            .map(|&(at, status)| Update { at, status, html: Arc::from(""), text: Arc::from("") })
            .collect(),
        body: Body::Rendered { html: Arc::from(""), offset: 0 },
        path: format!("{n}/"),
        source_hash: n as u64,
        aliases: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Tz> {
        chrono_tz::Europe::Paris.with_ymd_and_hms(2024, 12, day, hour, 0, 0).single().expect("a time")
    }

    fn maintenance(updates: &[(DateTime<Tz>, Status)]) -> Incident {
        test_post(0, Kind::Maintenance, (at(10, 22), Some(at(11, 2))), updates)
    }

    #[test]
    fn statuses_are_found_by_their_identifier() {
        for status in Status::ALL {
            assert_eq!(Status::from_name(status.as_str()), Some(status));
        }
        assert_eq!(Status::from_name("canceled"), None);
        assert_eq!(Status::from_name("In_Progress"), None, "identifiers are exact");
        let by_kind = [Kind::Incident, Kind::Maintenance].map(|k| Status::allowed_for(k).len());
        assert_eq!(by_kind.iter().sum::<usize>(), Status::ALL.len(), "every status is allowed for one kind");
    }

    #[test]
    fn a_maintenance_goes_from_upcoming_to_completed_by_its_window_and_its_timeline() {
        let announced = maintenance(&[(at(1, 9), Status::Scheduled)]);
        assert_eq!(announced.phase(at(10, 21)), Phase::Upcoming);
        assert_eq!(announced.phase(at(10, 22)), Phase::Ongoing);
        assert_eq!(announced.phase(at(11, 2)), Phase::Resolved);
        assert!(!announced.has_started(at(10, 21)) && announced.has_started(at(10, 22)));

        let done_early = maintenance(&[
            (at(1, 9), Status::Scheduled),
            (at(10, 22), Status::InProgress),
            (at(11, 1), Status::Completed),
        ]);
        assert_eq!(done_early.phase(at(11, 0)), Phase::Ongoing);
        assert_eq!(done_early.phase(at(11, 1)), Phase::Resolved);
        assert_eq!(done_early.actual_end(Phase::Resolved, 3), Some(at(11, 1)));

        let overrun = maintenance(&[
            (at(1, 9), Status::Scheduled),
            (at(10, 22), Status::InProgress),
            (at(11, 5), Status::Completed),
        ]);
        assert_eq!(overrun.phase(at(11, 1)), Phase::Ongoing);
        assert_eq!(overrun.phase(at(11, 3)), Phase::Overrunning);
        assert_eq!(overrun.phase(at(11, 5)), Phase::Resolved);
        assert_eq!(overrun.actual_end(Phase::Resolved, 3), Some(at(11, 5)));
        assert_eq!(overrun.actual_end(Phase::Overrunning, 2), None);
    }

    #[test]
    fn a_cancelled_maintenance_stays_cancelled_and_enters_history_at_its_planned_start() {
        let cancelled = maintenance(&[(at(1, 9), Status::Scheduled), (at(5, 9), Status::Cancelled)]);
        assert_eq!(cancelled.phase(at(4, 9)), Phase::Upcoming);
        assert_eq!(cancelled.phase(at(5, 9)), Phase::Cancelled);
        assert_eq!(cancelled.phase(at(20, 9)), Phase::Cancelled);
        assert!(!cancelled.has_started(at(5, 9)));
        assert!(cancelled.has_started(at(10, 22)));
        assert_eq!(cancelled.actual_end(Phase::Cancelled, 2), None);
    }

    #[test]
    fn changes_are_never_in_the_future_and_the_next_one_is_named() {
        let m = maintenance(&[(at(1, 9), Status::Scheduled), (at(10, 23), Status::InProgress)]);
        assert_eq!(m.last_change(at(1, 8)), None);
        assert_eq!(m.last_change(at(9, 9)), Some(at(1, 9)));
        assert_eq!(m.last_change(at(10, 22)), Some(at(10, 22)));
        assert_eq!(m.announced(), at(1, 9));
        assert_eq!(m.published_updates(at(10, 22)), 1);
        assert_eq!(m.next_change(at(9, 9)), Some((at(10, 22), Change::Starts)));
        assert_eq!(m.next_change(at(10, 22)), Some((at(10, 23), Change::Update(Status::InProgress))));
        assert_eq!(m.next_change(at(10, 23)), Some((at(11, 2), Change::Ends)));
        assert_eq!(m.next_change(at(11, 2)), None);
        // Cancelled before its window: its planned start moves it into the history, its end changes nothing.
        let cancelled = maintenance(&[(at(1, 9), Status::Scheduled), (at(5, 9), Status::Cancelled)]);
        assert_eq!(cancelled.next_change(at(5, 9)), Some((at(10, 22), Change::Starts)));
        assert_eq!(cancelled.next_change(at(10, 22)), None);
    }

    #[test]
    fn the_last_change_and_the_next_one_read_the_same_times() {
        // Cancelled before its window: the planned end passes unnoticed by both.
        let cancelled = maintenance(&[(at(1, 9), Status::Scheduled), (at(5, 9), Status::Cancelled)]);
        assert_eq!(cancelled.last_change(at(11, 3)), Some(at(10, 22)), "the start (history), not the planned end");
        // Completed an hour early: the planned end is no change either.
        let done_early = maintenance(&[
            (at(1, 9), Status::Scheduled),
            (at(10, 22), Status::InProgress),
            (at(11, 1), Status::Completed),
        ]);
        assert_eq!(done_early.next_change(at(11, 1)), None);
        assert_eq!(done_early.last_change(at(11, 3)), Some(at(11, 1)));
        // Started early: the planned start changes nothing.
        let early = maintenance(&[(at(1, 9), Status::Scheduled), (at(10, 20), Status::InProgress)]);
        assert_eq!(early.next_change(at(10, 20)), Some((at(11, 2), Change::Ends)), "overrunning then");
        assert_eq!(early.last_change(at(10, 23)), Some(at(10, 20)));
        // Every time one of them names changes what the phase or the history says.
        for m in [&cancelled, &done_early, &early] {
            let mut now = at(1, 0);
            while let Some((t, _)) = m.next_change(now) {
                assert_eq!(m.last_change(t), Some(t));
                now = t;
            }
        }
        // Not announced yet: no change seen, and the announcement is the next one.
        assert_eq!(done_early.last_change(at(1, 8)), None);
        assert!(!done_early.is_announced(at(1, 8)) && done_early.is_announced(at(1, 9)));
        assert_eq!(done_early.next_change(at(1, 8)), Some((at(1, 9), Change::Update(Status::Scheduled))));
    }

    #[test]
    fn a_maintenance_that_started_early_stays_started_when_cancelled() {
        let m = maintenance(&[
            (at(1, 9), Status::Scheduled),
            (at(10, 20), Status::InProgress),
            (at(10, 21), Status::Cancelled),
        ]);
        assert!(!m.has_started(at(10, 19)));
        assert!(m.has_started(at(10, 20)));
        assert!(m.has_started(at(10, 21)), "history does not lose it");
        assert_eq!(m.phase(at(10, 21)), Phase::Cancelled);
    }

    #[test]
    fn the_actual_end_reads_only_published_updates() {
        // The window has passed without news; a `completed` is written ahead for 11:05.
        let m = maintenance(&[(at(1, 9), Status::Scheduled), (at(11, 5), Status::Completed)]);
        let now = at(11, 3);
        assert_eq!(m.phase(now), Phase::Resolved);
        assert_eq!(m.actual_end(m.phase(now), m.published_updates(now)), Some(at(11, 2)), "the planned end, for now");
        let later = at(11, 6);
        assert_eq!(m.actual_end(m.phase(later), m.published_updates(later)), Some(at(11, 5)));
    }
}
