//! Stage 4 (render): the maintenance calendars (iCalendar, RFC 5545, with the
//! calendar properties of RFC 7986), `maintenance.ics` for the whole site and
//! `services/<key>/maintenance.ics` for each declared service (written even
//! when it has no event, so that one can subscribe before anything is
//! planned). The [`icalendar`] crate writes them (this module is its only
//! door): CRLF line ends, lines folded at 75 octets, TEXT values escaped.
//!
//! One `VEVENT` per maintenance post that is announced at the build time and
//! that ended (or started, when it has no end) less than
//! `calendar_keep_months` before it. What an event holds depends on the build
//! time only through the post's phase, its published updates and the
//! retention: two builds of the same tree give the same bytes until one of
//! them changes.
//!
//! - `UID`: from the source file and the host (see [`uid`]), never the title,
//!   so that it survives edits of the title, the window and the timeline.
//! - `SEQUENCE`: computed from the published timeline (see [`sequence`]), since
//!   vigie keeps no state between builds.
//! - `DTSTAMP` and `LAST-MODIFIED`: the post's latest change at or before the
//!   build time, never the wall clock.
//! - `DTSTART`, `DTEND`: the planned window in UTC; without an end, no `DTEND`
//!   (RFC 5545 3.6.1: the event then ends at its start), never an invented hour.
//! - `SUMMARY`: the title as written. A cancelled maintenance keeps its title:
//!   `STATUS:CANCELLED` says it, and the event stays so that subscribed
//!   clients remove or strike it out.
//! - `DESCRIPTION`: the latest published update's text as written, a blank
//!   line, the page's address. `URL`: the page. `CATEGORIES`: the services' names.

use super::jobs::{Job, RenderError};
use super::urls::{service_path, Urls};
use super::{Constants, Renderer};
use crate::archive::calendar_until;
use crate::content::model::{Incident, Kind, Phase, Status, Update};
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The file name of every calendar.
const FILE: &str = "maintenance.ics";

/// How often clients should fetch a calendar again (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).
const REFRESH: &str = "PT1H";

/// The site-relative path of the site's calendar (`maintenance.ics`) or of a
/// service's (`services/<key>/maintenance.ics`), for links in pages.
pub(crate) fn calendar_path(service: Option<&str>) -> String {
    match service {
        None => FILE.to_string(),
        Some(key) => format!("{}{FILE}", service_path(key)),
    }
}

/// One calendar file: what it is made of, besides the build's constants.
#[derive(Hash)]
struct CalendarData<'e> {
    /// `NAME` and `X-WR-CALNAME`.
    name: String,
    /// Its events, by start then UID.
    events: Vec<&'e EventData>,
}

/// One `VEVENT`, every value computed: the same for every calendar that holds it.
#[derive(Debug, Hash)]
struct EventData {
    uid: String,
    stamp: DateTime<Utc>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    summary: String,
    description: String,
    url: String,
    categories: Vec<String>,
    cancelled: bool,
    sequence: u32,
}

/// Renders the site's calendar and one per declared service into the sink;
/// returns how many.
pub(crate) fn render_calendars(r: &Renderer<'_>) -> Result<usize, RenderError> {
    let archive = r.archive;
    // After an edit in place of posts that are not maintenance (their kind
    // is kept), every event is as in the last good build: nothing changed
    // by itself in between, not even a maintenance leaving the calendars
    // (see [`crate::archive::Archive::reusing`]).
    if r.edited().is_some_and(|places| places.iter().all(|&n| archive.kinds[n] != Kind::Maintenance)) {
        r.executor.carry(FILE);
        return Ok(1 + r.c.config.services.len());
    }
    let keep_months = r.c.config.calendar_keep_months;
    let events: Vec<Option<EventData>> = archive
        .incidents
        .iter()
        .zip(&archive.phases)
        .map(|(incident, &phase)| event_of(&r.c, incident, phase, archive.now, keep_months))
        .collect();
    let of = |items: &mut dyn Iterator<Item = usize>| -> Vec<&EventData> {
        let mut list: Vec<&EventData> = items.filter_map(|i| events[i].as_ref()).collect();
        list.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
        list
    };
    let config = r.c.config;
    let mut jobs = vec![Job {
        file: calendar_path(None),
        page: "".into(),
        data: CalendarData {
            name: format!("{} – {}", config.title, r.c.t.label("calendar")),
            events: of(&mut (0..archive.incidents.len())),
        },
    }];
    for (key, service) in &config.services {
        jobs.push(Job {
            file: calendar_path(Some(key)),
            page: service_path(key).into(),
            data: CalendarData {
                name: format!("{} – {}", config.title, service.name),
                events: of(&mut archive.of_service(key).iter().copied()),
            },
        });
    }
    r.executor.run(FILE, &jobs, |job, out| write_calendar(&r.c, job, out))
}

/// The event of `incident` at `now`, when it is a maintenance that is
/// announced and still within `keep_months` of retention (see [`calendar_until`]).
fn event_of(
    c: &Constants<'_>,
    incident: &Incident,
    phase: Phase,
    now: DateTime<Tz>,
    keep_months: u32,
) -> Option<EventData> {
    if incident.kind != Kind::Maintenance {
        return None;
    }
    let stamp = incident.last_change(now)?;
    if calendar_until(incident, keep_months).is_some_and(|until| now > until) {
        return None;
    }
    let published = &incident.updates[..incident.published_updates(now)];
    let url = c.urls.absolute(&incident.path);
    let description = match published.last() {
        Some(update) => format!("{}\n\n{url}", update.text.trim()),
        None => url.clone(),
    };
    let categories = incident
        .services
        .iter()
        .map(|k| text(c.config.services.get(k).map_or(k.as_str(), |s| s.name.as_str())))
        .collect();
    Some(EventData {
        uid: uid(&c.urls, incident),
        stamp: stamp.with_timezone(&Utc),
        start: incident.start.with_timezone(&Utc),
        end: incident.end.map(|end| end.with_timezone(&Utc)),
        summary: text(&incident.title),
        description: text(&description),
        url,
        categories,
        cancelled: phase == Phase::Cancelled,
        sequence: sequence(published),
    })
}

/// The event's permanent `UID`, in the spirit of the feeds' entry id: the
/// source file without `content/` and `.md`, percent-encoded, `@`, the host
/// (`2024/maintenance-routeurs@status.example.fr`). Editing the title, the
/// window or the timeline keeps it; renaming or moving the file changes it.
pub(crate) fn uid(urls: &Urls, incident: &Incident) -> String {
    const PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');
    let source = incident.source.with_extension("");
    let source = crate::paths::slash_path(&source);
    let source = source.strip_prefix("content/").unwrap_or(&source);
    format!("{}@{}", utf8_percent_encode(source, PATH), urls.host())
}

/// The event's `SEQUENCE`, from its published timeline (vigie keeps no state
/// between builds): how many updates after the first change the status
/// (`in_progress`, `completed`, `cancelled`) or announce the window again
/// (another `scheduled` update: the author moved the window and says so).
/// An update that only adds news under the same status leaves it as it was.
fn sequence(published: &[Update]) -> u32 {
    let changes = published
        .windows(2)
        .filter(|pair| pair[1].status != pair[0].status || pair[1].status == Status::Scheduled)
        .count();
    u32::try_from(changes).unwrap_or(u32::MAX)
}

/// `value` as an iCalendar TEXT may hold it before escaping: no carriage
/// return (lines end with `\n`, escaped as `\n`), no other control character
/// than tab (RFC 5545 3.3.11 forbids them; each becomes U+FFFD).
fn text(value: &str) -> String {
    value.replace('\r', "").replace(|c: char| c.is_control() && !matches!(c, '\n' | '\t'), "\u{fffd}")
}

/// RFC 5545 TEXT escaping (backslash, semicolon, comma, newline), for
/// `NAME` only: the crate escapes the TEXT properties of RFC 5545 and the
/// `X-` ones, but writes RFC 7986's `NAME` as given.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

fn write_calendar(c: &Constants<'_>, job: &Job<'_, CalendarData<'_>>, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    let config = c.config;
    let own_url = c.urls.absolute(&job.file);
    let mut calendar = Calendar::empty();
    let language = config.language.split(['-', '_']).next().unwrap_or("").to_ascii_uppercase();
    let name = text(&job.data.name);
    calendar
        .append_property(Property::new("PRODID", format!("-//vigie//vigie {}//{language}", env!("CARGO_PKG_VERSION"))))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new("NAME", escape(&name)))
        .append_property(Property::new("X-WR-CALNAME", name));
    if !config.description.is_empty() {
        calendar.description(&text(&config.description));
    }
    calendar
        .append_property(Property::new("X-WR-TIMEZONE", config.timezone.name()))
        .append_property(Property::new("REFRESH-INTERVAL", REFRESH).add_parameter("VALUE", "DURATION").done())
        .append_property(Property::new("X-PUBLISHED-TTL", REFRESH))
        .append_property(Property::new("URL", own_url.as_str()))
        .append_property(Property::new("SOURCE", own_url.as_str()));
    for e in &job.data.events {
        let mut event = icalendar::Event::new();
        event
            .uid(&e.uid)
            .timestamp(e.stamp)
            .last_modified(e.stamp)
            .starts(e.start)
            .summary(&e.summary)
            .description(&e.description)
            .url(&e.url)
            .sequence(e.sequence)
            .status(if e.cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
        if let Some(end) = e.end {
            event.ends(end);
        }
        if !e.categories.is_empty() {
            event.categories(&e.categories);
        }
        calendar.push(event.done());
    }
    out.extend_from_slice(calendar.to_string().as_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ics` unfolded (RFC 5545 3.1: a line break followed by one space or tab is removed).
    fn unfold(ics: &str) -> String {
        ics.replace("\r\n ", "").replace("\r\n\t", "")
    }

    fn one_line<'a>(ics: &'a str, name: &str) -> &'a str {
        let lines: Vec<&str> = ics.split("\r\n").filter(|l| l.starts_with(&format!("{name}:"))).collect();
        assert_eq!(lines.len(), 1, "one {name} line in\n{ics}");
        lines[0]
    }

    fn event_with(summary: &str, description: &str) -> String {
        let mut calendar = Calendar::empty();
        calendar.append_property(Property::new("NAME", escape(summary)));
        let mut event = icalendar::Event::new();
        event.uid("x@h").timestamp(DateTime::UNIX_EPOCH).summary(&text(summary)).description(&text(description));
        event.categories(["Messagerie, IMAP", "Web;DNS"]);
        calendar.push(event.done());
        calendar.to_string()
    }

    #[test]
    fn text_is_escaped_as_rfc_5545_says_and_carriage_returns_go() {
        let ics = event_with("a\\b; c, d", "ligne 1\r\nligne 2\u{7}\tfin");
        let unfolded = unfold(&ics);
        assert_eq!(one_line(&unfolded, "SUMMARY"), "SUMMARY:a\\\\b\\; c\\, d");
        assert_eq!(one_line(&unfolded, "NAME"), "NAME:a\\\\b\\; c\\, d", "NAME escaped once, like SUMMARY");
        assert_eq!(one_line(&unfolded, "DESCRIPTION"), "DESCRIPTION:ligne 1\\nligne 2\u{fffd}\tfin");
        assert_eq!(one_line(&unfolded, "CATEGORIES"), "CATEGORIES:Messagerie\\, IMAP,Web\\;DNS");
        assert!(!ics.replace("\r\n", "").contains('\r'), "no carriage return but line ends");
        assert!(ics.ends_with("END:VCALENDAR\r\n"), "CRLF after the last line");
        assert!(ics.split("\r\n").all(|l| !l.contains('\n')), "every line ends with CRLF");
    }

    #[test]
    fn long_french_lines_fold_at_75_octets_on_character_boundaries() {
        let summary = "Maintenance programmée des équipements réseau du centre de données « Paris-Nord » : \
                       coupure électrique préventive, redémarrage des routeurs cœur, vérification des \
                       pare-feu et des liaisons fibre — durée estimée quatre heures, à partir de 23 h ✓";
        let ics = event_with(summary, &"é".repeat(200));
        assert!(ics.len() > 400);
        for line in ics.as_bytes().split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= 75, "{} octets: {:?}", line.len(), String::from_utf8_lossy(line));
            // Each physical line is whole characters on its own: no fold splits one.
            assert!(std::str::from_utf8(line).is_ok(), "a fold splits a character: {line:?}");
        }
        let unfolded = unfold(&ics);
        assert_eq!(
            one_line(&unfolded, "SUMMARY"),
            format!("SUMMARY:{}", escape(summary)),
            "unfolding gives the original"
        );
        assert_eq!(one_line(&unfolded, "DESCRIPTION"), format!("DESCRIPTION:{}", "é".repeat(200)));
        assert!(ics.split("\r\n").filter(|l| l.starts_with(' ')).count() >= 6, "folded:\n{ics}");
    }

    fn update(status: Status) -> Update {
        Update { at: DateTime::UNIX_EPOCH.with_timezone(&Tz::UTC), status, html: "".into(), text: "".into() }
    }

    #[test]
    fn sequence_counts_status_changes_and_new_announcements() {
        use Status::*;
        let seq = |statuses: &[Status]| sequence(&statuses.iter().map(|&s| update(s)).collect::<Vec<_>>());
        assert_eq!(seq(&[]), 0);
        assert_eq!(seq(&[Scheduled]), 0);
        assert_eq!(seq(&[Scheduled, Scheduled]), 1, "postponed");
        assert_eq!(seq(&[Scheduled, InProgress, InProgress]), 1, "news under the same status");
        assert_eq!(seq(&[Scheduled, InProgress, Completed]), 2);
        assert_eq!(seq(&[Scheduled, Scheduled, Cancelled]), 2);
    }

    #[test]
    fn calendar_paths_are_site_relative() {
        assert_eq!(calendar_path(None), "maintenance.ics");
        assert_eq!(calendar_path(Some("mail")), "services/mail/maintenance.ics");
    }
}
