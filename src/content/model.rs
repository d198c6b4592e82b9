//! Stage 3 (model): the incident model, what one Markdown file describes
//! once parsed and validated. Every time is held in the site's time zone.

use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

/// What kind of event a post describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
        }
    }

    /// Whether this status closes the timeline.
    pub(crate) fn is_final(self) -> bool {
        matches!(self, Status::Resolved | Status::Completed)
    }

    /// The statuses a post of `kind` may use.
    pub(crate) fn allowed_for(kind: Kind) -> &'static [Status] {
        match kind {
            Kind::Maintenance => &[Status::Scheduled, Status::InProgress, Status::Completed],
            Kind::Incident | Kind::Notice => {
                &[Status::Investigating, Status::Identified, Status::Monitoring, Status::Resolved]
            }
        }
    }
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone)]
pub struct Update {
    /// When it was posted.
    pub at: DateTime<Tz>,
    /// The state it announced.
    pub status: Status,
    /// Its text, rendered from Markdown.
    pub html: Arc<str>,
}

/// Where an incident stands at build time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Phase {
    /// Starts after build time (a planned maintenance, typically).
    Upcoming,
    /// Started and not over.
    Ongoing,
    /// Over.
    Resolved,
}

impl Phase {
    /// The identifier used in templates and CSS classes.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Ongoing => "ongoing",
            Phase::Resolved => "resolved",
        }
    }
}

/// One validated incident post.
#[derive(Debug, Clone)]
pub struct Incident {
    /// The source file, relative to the site root.
    pub source: PathBuf,
    /// Title as written.
    pub title: String,
    /// URL segment, ASCII-folded from the title unless given.
    pub slug: String,
    /// Start of the event.
    pub start: DateTime<Tz>,
    /// End of the event; `None` while it lasts.
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
    /// The body, rendered from Markdown.
    pub body_html: Arc<str>,
    /// Site-relative URL path, e.g. `2016/11/22/panne-messagerie/`.
    pub path: String,
    /// A hash of the source file's bytes: equal hashes, equal incidents.
    pub source_hash: u64,
}

impl Incident {
    /// The time of the latest change seen at `now`: the latest of the start,
    /// the end and the updates that are not in the future. Passing a planned
    /// start or end counts as a change, since the incident's state changes then.
    /// When everything is in the future (an announced maintenance), its earliest time.
    pub(crate) fn last_change(&self, now: DateTime<Tz>) -> DateTime<Tz> {
        let times = std::iter::once(self.start).chain(self.end).chain(self.updates.iter().map(|u| u.at));
        let (mut latest_past, mut soonest_future) = (None, None);
        for t in times {
            if t <= now {
                latest_past = latest_past.max(Some(t));
            } else {
                soonest_future = Some(soonest_future.map_or(t, |s: DateTime<Tz>| s.min(t)));
            }
        }
        latest_past.or(soonest_future).unwrap_or(self.start)
    }

    /// Where the incident stands at `now`.
    pub(crate) fn phase(&self, now: DateTime<Tz>) -> Phase {
        if self.start > now {
            Phase::Upcoming
        } else if self.end.is_none_or(|end| end > now) {
            Phase::Ongoing
        } else {
            Phase::Resolved
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
