//! Stage 4 (render): a static JSON API in the shape of Atlassian Statuspage's
//! public API v2, so that existing Statuspage clients read a vigie site
//! unchanged. Takes the archive at the build time; gives eight files under
//! `api/v2/`: `summary.json`, `status.json`, `components.json`,
//! `incidents.json`, `incidents/unresolved.json`,
//! `scheduled-maintenances.json`, `scheduled-maintenances/upcoming.json` and
//! `scheduled-maintenances/active.json`, written with serde.
//!
//! - Components are the declared services, in key order; their id is the
//!   service key. Their status is [`ServiceState`]'s, the page's indicator
//!   the site's ([`Archive::site_state`]).
//! - Incidents are posts of kind `incident`, maintenances posts of kind
//!   `maintenance`, once announced; notices are left out (Statuspage has no
//!   such object). An id comes from the source file ([`post_id`]), never the
//!   title. Only published updates are shown.
//! - A cancelled maintenance is `completed` (Statuspage has no cancelled
//!   status), its last update saying why; it stays in
//!   `scheduled-maintenances.json` and leaves `upcoming` and `active`.
//! - Every time is the site's offset ([`exact_offset`]); none is the build
//!   time: `page.updated_at` is the site's latest change at or before it,
//!   so two builds give the same bytes until a post's phase or timeline changes.

use super::format::exact_offset;
use super::jobs::{Job, RenderError};
use super::Renderer;
use crate::archive::status::ServiceState;
use crate::content::model::{Incident, Kind, Phase, Severity, Status};
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

/// How many posts `incidents.json` and `scheduled-maintenances.json` hold,
/// newest start first: Statuspage's own limit.
const LIST_LIMIT: usize = 50;

/// The folder of every file.
const DIR: &str = "api/v2/";

/// A time as RFC 3339, in whole seconds, with the site's offset.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, PartialOrd, Ord)]
struct Time(DateTime<chrono::FixedOffset>);

impl Time {
    fn of(t: &DateTime<Tz>) -> Time {
        Time(exact_offset(t))
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

/// `page`, in every file.
#[derive(Debug, Clone, Serialize, Hash)]
struct Page {
    id: String,
    name: String,
    url: String,
    time_zone: String,
    updated_at: Time,
}

/// `status`: the page's indicator and its description.
#[derive(Debug, Clone, Copy, Serialize, Hash)]
struct StatusView {
    indicator: &'static str,
    description: &'static str,
}

/// One component (a declared service).
#[derive(Debug, Clone, Serialize, Hash)]
struct Component {
    id: String,
    name: String,
    status: &'static str,
    created_at: Time,
    updated_at: Time,
    position: usize,
    description: Option<String>,
    showcase: bool,
    start_date: Option<String>,
    group_id: Option<String>,
    page_id: String,
    group: bool,
    only_show_if_degraded: bool,
}

/// One update of a post's timeline.
#[derive(Debug, Clone, Serialize, Hash)]
struct UpdateView {
    id: String,
    status: &'static str,
    body: String,
    incident_id: String,
    created_at: Time,
    updated_at: Time,
    display_at: Time,
    affected_components: Option<Vec<()>>,
    deliver_notifications: bool,
}

/// An incident, or a maintenance (with `scheduled_for` and `scheduled_until`).
#[derive(Debug, Clone, Serialize, Hash)]
struct Post {
    id: String,
    name: String,
    status: &'static str,
    created_at: Time,
    updated_at: Time,
    monitoring_at: Option<Time>,
    resolved_at: Option<Time>,
    impact: &'static str,
    shortlink: String,
    started_at: Time,
    page_id: String,
    incident_updates: Vec<UpdateView>,
    components: Vec<Component>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_for: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_until: Option<Option<Time>>,
}

/// The body of one file: `page` and the lists it holds.
#[derive(Debug, Clone, Serialize, Hash)]
struct Document<'a> {
    page: &'a Page,
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<&'a [Component]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    incidents: Option<Vec<&'a Post>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_maintenances: Option<Vec<&'a Post>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StatusView>,
}

impl ServiceState {
    /// The Statuspage component status.
    fn component_status(self) -> &'static str {
        match self {
            ServiceState::Operational => "operational",
            ServiceState::Maintenance => "under_maintenance",
            ServiceState::Degraded => "degraded_performance",
            ServiceState::PartialOutage => "partial_outage",
            ServiceState::MajorOutage => "major_outage",
        }
    }

    /// The Statuspage page indicator and its description.
    fn indicator(self) -> StatusView {
        let (indicator, description) = match self {
            ServiceState::Operational => ("none", "All Systems Operational"),
            ServiceState::Maintenance => ("maintenance", "Service Under Maintenance"),
            ServiceState::Degraded => ("minor", "Minor Service Outage"),
            ServiceState::PartialOutage => ("major", "Partial System Outage"),
            ServiceState::MajorOutage => ("critical", "Major System Outage"),
        };
        StatusView { indicator, description }
    }
}

/// The Statuspage impact of a post: its severity for an incident (minor
/// when it has none, as its services' state says), `maintenance`, or `none`.
fn impact(kind: Kind, severity: Option<Severity>) -> &'static str {
    match (kind, severity) {
        (Kind::Maintenance, _) => "maintenance",
        (Kind::Notice, _) => "none",
        (Kind::Incident, Some(Severity::Critical)) => "critical",
        (Kind::Incident, Some(Severity::Major)) => "major",
        (Kind::Incident, _) => "minor",
    }
}

/// The Statuspage status of one update: a cancelled maintenance is `completed`.
fn update_status(status: Status) -> &'static str {
    match status {
        Status::Cancelled => "completed",
        other => other.as_str(),
    }
}

/// The Statuspage status of a post at the build time: a maintenance's by
/// its phase (`scheduled`, `in_progress`, `completed`, cancelled included);
/// an incident's by its latest published update, `resolved` once it ended.
fn post_status(kind: Kind, phase: Phase, latest: Option<Status>) -> &'static str {
    match (kind, phase) {
        (Kind::Maintenance, Phase::Upcoming) => "scheduled",
        (Kind::Maintenance, Phase::Ongoing | Phase::Overrunning) => "in_progress",
        (Kind::Maintenance, Phase::Resolved | Phase::Cancelled) => "completed",
        (_, Phase::Resolved | Phase::Cancelled) => "resolved",
        (_, _) => latest.filter(|s| !s.is_final()).map_or("investigating", Status::as_str),
    }
}

/// A post's permanent id: 12 hexadecimal digits of the XXH3 hash of its
/// source file without `content/` and `.md` (`2024/maintenance-routeurs`).
/// Editing the title, the window or the timeline keeps it; renaming or
/// moving the file changes it.
fn post_id(incident: &Incident) -> String {
    let source = crate::paths::slash_path(&incident.source.with_extension(""));
    let source = source.strip_prefix("content/").unwrap_or(&source);
    short_hash(source)
}

fn short_hash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))[..12].to_string()
}

/// Everything the files are made of, computed once.
struct Api {
    page: Page,
    status: StatusView,
    components: Vec<Component>,
    /// The posts of the entries some file lists (at most a few hundred,
    /// whatever the archive's size), by archive index.
    posts: rustc_hash::FxHashMap<usize, Post>,
}

/// Renders the eight files into the sink; returns how many.
pub(crate) fn render_api(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let archive = r.archive;
    // The entries each file lists, in its order: the API shows an entry
    // once announced, and not a notice (see [`post`]).
    let shown = |items: &mut dyn Iterator<Item = usize>, kind: Kind, limit: usize| -> Vec<usize> {
        items.filter(|&i| archive.kinds[i] == kind && Api::shows(r, i)).take(limit).collect()
    };
    let all = || 0..archive.incidents.len();
    let unresolved = shown(&mut archive.current.iter().copied().rev(), Kind::Incident, usize::MAX);
    let active = shown(&mut archive.current.iter().copied(), Kind::Maintenance, usize::MAX);
    let upcoming = shown(
        &mut archive.upcoming.iter().copied().filter(|&i| archive.phases[i] == Phase::Upcoming),
        Kind::Maintenance,
        usize::MAX,
    );
    let incidents = shown(&mut all(), Kind::Incident, LIST_LIMIT);
    let maintenances = shown(&mut all(), Kind::Maintenance, LIST_LIMIT);
    let listed = [&unresolved, &active, &upcoming, &incidents, &maintenances];
    let api = Api::new(r, listed.iter().flat_map(|list| list.iter().copied()));
    let posts = |list: &[usize]| -> Vec<&Post> { list.iter().filter_map(|i| api.posts.get(i)).collect() };
    let page = &api.page;
    let doc = || Document { page, components: None, incidents: None, scheduled_maintenances: None, status: None };
    let summary_maintenances = posts(&active).into_iter().chain(posts(&upcoming)).collect();
    let files = vec![
        (
            "summary.json",
            Document {
                components: Some(&api.components),
                incidents: Some(posts(&unresolved)),
                scheduled_maintenances: Some(summary_maintenances),
                status: Some(api.status),
                ..doc()
            },
        ),
        ("status.json", Document { status: Some(api.status), ..doc() }),
        ("components.json", Document { components: Some(&api.components), ..doc() }),
        ("incidents.json", Document { incidents: Some(posts(&incidents)), ..doc() }),
        ("incidents/unresolved.json", Document { incidents: Some(posts(&unresolved)), ..doc() }),
        ("scheduled-maintenances.json", Document { scheduled_maintenances: Some(posts(&maintenances)), ..doc() }),
        ("scheduled-maintenances/upcoming.json", Document { scheduled_maintenances: Some(posts(&upcoming)), ..doc() }),
        ("scheduled-maintenances/active.json", Document { scheduled_maintenances: Some(posts(&active)), ..doc() }),
    ];
    let jobs: Vec<Job<'_, Document<'_>>> =
        files.into_iter().map(|(file, data)| Job { file: format!("{DIR}{file}"), page: "".into(), data }).collect();
    r.executor.run("api", &jobs, |job, out| write_json(&job.file, &job.data, out))
}

fn write_json(file: &str, document: &Document<'_>, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(|e| {
        Diagnostic::error(std::path::Path::new(file), (0, 0), format!("cannot write the status API file: {e}"))
    })?;
    out.push(b'\n');
    Ok(())
}

impl Api {
    /// Whether the API shows entry `i` (as [`post`] decides: announced,
    /// not a notice, with a last change).
    fn shows(r: &Renderer<'_>, i: usize) -> bool {
        let archive = r.archive;
        archive.is_announced(i) && archive.kinds[i] != Kind::Notice && archive.last_changes[i].is_some()
    }

    /// The values of every file, with the posts of the entries `listed`.
    fn new(r: &Renderer<'_>, listed: impl Iterator<Item = usize>) -> Api {
        let (archive, config, urls) = (r.archive, r.c.config, &r.c.urls);
        let page_id = short_hash(&urls.absolute(""));
        let announced = |i: &usize| archive.is_announced(*i) && archive.kinds[*i] != Kind::Notice;
        let first = (0..archive.incidents.len()).filter(announced).map(|i| archive.announced_at[i]).min();
        let latest = archive.last_changes.iter().flatten().max().copied();
        // A site with nothing announced yet: both are the epoch, never the build time.
        let epoch = DateTime::UNIX_EPOCH.with_timezone(&config.timezone);
        let page = Page {
            id: page_id.clone(),
            name: config.title.clone(),
            url: urls.absolute(""),
            time_zone: config.timezone.name().to_string(),
            updated_at: Time::of(&latest.unwrap_or(epoch)),
        };
        let components: Vec<Component> = config
            .services
            .iter()
            .enumerate()
            .map(|(n, (key, service))| {
                let posts = || archive.of_service(key).iter().copied().filter(announced);
                let created = posts().map(|i| archive.announced_at[i]).min().or(first).unwrap_or(epoch);
                let updated = posts().filter_map(|i| archive.last_changes[i]).max().unwrap_or(created);
                Component {
                    id: key.clone(),
                    name: service.name.clone(),
                    status: archive.service_state(key).component_status(),
                    created_at: Time::of(&created),
                    updated_at: Time::of(&updated),
                    position: n + 1,
                    description: Some(service.description.clone()).filter(|d| !d.is_empty()),
                    showcase: true,
                    start_date: None,
                    group_id: None,
                    page_id: page_id.clone(),
                    group: false,
                    only_show_if_degraded: false,
                }
            })
            .collect();
        let mut posts = rustc_hash::FxHashMap::default();
        for i in listed {
            if !posts.contains_key(&i) {
                posts.extend(post(r, i, &page_id, &components).map(|post| (i, post)));
            }
        }
        Api { page, status: archive.site_state().indicator(), components, posts }
    }
}

/// Post `i` of the archive as the API shows it, once announced.
fn post(r: &Renderer<'_>, i: usize, page_id: &str, components: &[Component]) -> Option<Post> {
    let archive = r.archive;
    let (incident, phase) = (&*archive.incidents[i], archive.phases[i]);
    let updated = archive.last_changes[i]?;
    let id = post_id(incident);
    let published = &incident.updates[..incident.published_updates(archive.now)];
    let incident_updates = published
        .iter()
        .enumerate()
        .rev()
        .map(|(n, u)| UpdateView {
            id: short_hash(&format!("{id}#{n}")),
            status: update_status(u.status),
            body: u.text.trim().to_string(),
            incident_id: id.clone(),
            created_at: Time::of(&u.at),
            updated_at: Time::of(&u.at),
            display_at: Time::of(&u.at),
            affected_components: None,
            deliver_notifications: true,
        })
        .collect();
    let at_status = |status: Status| published.iter().find(|u| u.status == status).map(|u| Time::of(&u.at));
    let resolved_at = match phase {
        Phase::Cancelled => at_status(Status::Cancelled),
        _ => incident.actual_end(phase, published.len()).map(|t| Time::of(&t)),
    };
    let maintenance = incident.kind == Kind::Maintenance;
    Some(Post {
        id,
        name: incident.title.clone(),
        status: post_status(incident.kind, phase, published.last().map(|u| u.status)),
        created_at: Time::of(&incident.announced()),
        updated_at: Time::of(&updated),
        monitoring_at: at_status(Status::Monitoring),
        resolved_at,
        impact: impact(incident.kind, incident.severity),
        shortlink: r.c.urls.absolute(&incident.path),
        started_at: Time::of(&incident.start),
        page_id: page_id.to_string(),
        incident_updates,
        components: components.iter().filter(|c| incident.services.contains(&c.id)).cloned().collect(),
        scheduled_for: maintenance.then(|| Time::of(&incident.start)),
        scheduled_until: maintenance.then(|| incident.end.map(|t| Time::of(&t))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_states_map_to_statuspage_component_statuses_and_indicators() {
        use ServiceState::*;
        let cases = [
            (Operational, "operational", "none"),
            (Maintenance, "under_maintenance", "maintenance"),
            (Degraded, "degraded_performance", "minor"),
            (PartialOutage, "partial_outage", "major"),
            (MajorOutage, "major_outage", "critical"),
        ];
        for (state, component, indicator) in cases {
            assert_eq!(state.component_status(), component, "{state:?}");
            assert_eq!(state.indicator().indicator, indicator, "{state:?}");
        }
    }

    #[test]
    fn severities_and_kinds_map_to_impacts() {
        assert_eq!(impact(Kind::Incident, Some(Severity::Critical)), "critical");
        assert_eq!(impact(Kind::Incident, Some(Severity::Major)), "major");
        assert_eq!(impact(Kind::Incident, Some(Severity::Minor)), "minor");
        assert_eq!(impact(Kind::Incident, None), "minor", "as its services' state: degraded");
        assert_eq!(impact(Kind::Maintenance, Some(Severity::Major)), "maintenance");
        assert_eq!(impact(Kind::Notice, None), "none");
    }

    #[test]
    fn statuses_map_to_statuspage_statuses_and_a_cancellation_completes() {
        use Phase::{Ongoing, Overrunning, Upcoming};
        use Status::{Completed, Identified, InProgress, Monitoring, Scheduled};
        assert_eq!(update_status(Status::Cancelled), "completed");
        assert_eq!(update_status(InProgress), "in_progress");
        assert_eq!(update_status(Monitoring), "monitoring");
        let m = |phase, latest| post_status(Kind::Maintenance, phase, latest);
        assert_eq!(m(Upcoming, Some(Scheduled)), "scheduled");
        assert_eq!(m(Upcoming, None), "scheduled");
        assert_eq!(m(Ongoing, Some(Scheduled)), "in_progress", "its window started");
        assert_eq!(m(Overrunning, Some(InProgress)), "in_progress");
        assert_eq!(m(Phase::Resolved, Some(Completed)), "completed");
        assert_eq!(m(Phase::Cancelled, Some(Status::Cancelled)), "completed");
        let i = |phase, latest| post_status(Kind::Incident, phase, latest);
        assert_eq!(i(Ongoing, None), "investigating");
        assert_eq!(i(Ongoing, Some(Identified)), "identified");
        assert_eq!(i(Ongoing, Some(Monitoring)), "monitoring");
        assert_eq!(i(Phase::Resolved, Some(Monitoring)), "resolved", "its end passed");
    }

    #[test]
    fn ids_are_twelve_hex_digits_of_the_source_path() {
        let id = short_hash("2024/maintenance-routeurs");
        assert_eq!(id.len(), 12);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(id, short_hash("2024/maintenance-routeurs"));
        assert_ne!(id, short_hash("2024/maintenance-routeur"));
    }
}
