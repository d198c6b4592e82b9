//! The maintenance calendars of the `calendar/site` fixture (Europe/Paris),
//! each read back by two iCalendar parsers: the `icalendar` crate's (always),
//! and Python's `icalendar` package through `tests/ics_parse.py`, run with
//! `$VIGIE_ICALENDAR_PYTHON` (default `python3`). When that interpreter
//! cannot import the package, the tests fail under `CI` and otherwise say so
//! on stderr and check with the crate's parser only.

mod common;

use common::{FixtureSite, NOW};
use icalendar::{Component, EventLike};
use std::process::Command;
use std::sync::OnceLock;

/// One event as both parsers must see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
struct Event {
    uid: String,
    sequence: u32,
    status: String,
    dtstart: Option<String>,
    dtend: Option<String>,
    summary: String,
    categories: Vec<String>,
}

/// A parsed calendar: its name (`X-WR-CALNAME`, unescaped), its events in
/// file order, and its text.
struct Parsed {
    name: String,
    events: Vec<Event>,
    text: String,
}

impl Parsed {
    #[track_caller]
    fn event(&self, uid: &str) -> &Event {
        let uids: Vec<&str> = self.events.iter().map(|e| e.uid.as_str()).collect();
        self.events.iter().find(|e| e.uid == uid).unwrap_or_else(|| panic!("no event {uid} among {uids:?}"))
    }

    fn uids(&self) -> Vec<&str> {
        self.events.iter().map(|e| e.uid.as_str()).collect()
    }
}

const ROUTEURS: &str = "2024/routeurs@status.example.fr";
const DST: &str = "2024/heure-hiver@status.example.fr";
const CANCELLED: &str = "2024/dns-annulee@status.example.fr";
const LONG: &str = "2024/centre-donnees@status.example.fr";
const JANUARY: &str = "2024/janvier@status.example.fr";
const JUNE_2023: &str = "2023/juin@status.example.fr";
const NOT_ANNOUNCED: &str = "2024/pas-annoncee@status.example.fr";

/// Builds the site with `SOURCE_DATE_EPOCH=epoch`; fails the test unless it succeeds.
#[track_caller]
fn build_at(site: &FixtureSite, epoch: i64) {
    let out = site.command(["build"]).env("SOURCE_DATE_EPOCH", epoch.to_string()).output().expect("run vigie");
    assert!(
        out.status.success(),
        "[{}] build at {epoch} failed:\n{}",
        site.label(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn now() -> i64 {
    NOW.parse().expect("NOW is seconds")
}

/// Reads `rel` from the output, checks its lines, parses it with both parsers
/// and checks they agree.
#[track_caller]
fn calendar(site: &FixtureSite, rel: &str) -> Parsed {
    let text = site.read(rel);
    check_lines(rel, &text);
    let (name, events) = parse_with_crate(rel, &text);
    if let Some(python) = parse_with_python(&site.public().join(rel)) {
        assert_eq!(python, events, "{rel}: Python's icalendar and the icalendar crate read different events");
    }
    Parsed { name, events, text }
}

/// CRLF after every line, no bare CR or LF, every physical line at most 75
/// octets and whole UTF-8 characters.
#[track_caller]
fn check_lines(rel: &str, text: &str) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"), "{rel}:\n{text}");
    for line in text.as_bytes().split_inclusive(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r\n").unwrap_or_else(|| panic!("{rel}: a line without CRLF: {line:?}"));
        assert!(!line.contains(&b'\r'), "{rel}: a bare CR in {line:?}");
        assert!(line.len() <= 75, "{rel}: a line of {} octets: {}", line.len(), String::from_utf8_lossy(line));
        assert!(std::str::from_utf8(line).is_ok(), "{rel}: a fold splits a character: {line:?}");
    }
}

fn parse_with_crate(rel: &str, text: &str) -> (String, Vec<Event>) {
    let calendar: icalendar::Calendar =
        text.parse().unwrap_or_else(|e| panic!("{rel}: the icalendar crate cannot parse it: {e}\n{text}"));
    let name = calendar.property_value("X-WR-CALNAME").unwrap_or_default().to_string();
    let events = calendar
        .events()
        .map(|e| Event {
            uid: e.get_uid().unwrap_or_else(|| panic!("{rel}: an event without UID")).to_string(),
            sequence: e.get_sequence().unwrap_or_else(|| panic!("{rel}: an event without SEQUENCE")),
            status: e.property_value("STATUS").unwrap_or_default().to_string(),
            dtstart: e.property_value("DTSTART").map(str::to_string),
            dtend: e.property_value("DTEND").map(str::to_string),
            summary: e.get_summary().unwrap_or_default().to_string(),
            categories: e.get_categories().unwrap_or_default(),
        })
        .collect();
    (name, events)
}

/// The interpreter that has Python's icalendar, or `None` (outside CI) when none has.
fn python() -> Option<&'static str> {
    static PYTHON: OnceLock<Option<String>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let python = std::env::var("VIGIE_ICALENDAR_PYTHON").unwrap_or_else(|_| "python3".to_string());
            let ok = Command::new(&python)
                .arg(script())
                .arg("--check-import")
                .output()
                .is_ok_and(|out| out.status.success());
            if ok {
                return Some(python);
            }
            let message = format!(
                "{python} cannot import Python's icalendar package: set VIGIE_ICALENDAR_PYTHON to an interpreter \
                 that has it (e.g. python3 -m venv v && v/bin/pip install icalendar==7.3.2; .ci/run does this)"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{message}");
            }
            // Past the test harness's capture (which holds `eprintln!`), so that the note shows.
            let note = format!("note: {message}; the calendars are checked with the icalendar crate's parser only\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
            None
        })
        .as_deref()
}

fn script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ics_parse.py")
}

fn parse_with_python(path: &std::path::Path) -> Option<Vec<Event>> {
    let python = python()?;
    let out = Command::new(python).arg(script()).arg(path).output().expect("run tests/ics_parse.py");
    assert!(
        out.status.success(),
        "Python's icalendar cannot parse {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("ics_parse.py prints JSON"))
}

#[test]
fn every_calendar_is_written_and_holds_the_announced_maintenances_of_its_service() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    let all = calendar(&site, "maintenance.ics");
    assert_eq!(all.name, "Réseau, maintenances; tests – Calendrier des maintenances");
    // By start, then UID; not the incident, not the maintenance whose announcement is still to come, not 2023's.
    assert_eq!(all.uids(), [JANUARY, DST, ROUTEURS, CANCELLED, LONG]);
    assert!(!all.text.contains(NOT_ANNOUNCED) && !all.text.contains(JUNE_2023));
    for line in ["METHOD:PUBLISH", "CALSCALE:GREGORIAN", "VERSION:2.0", "X-WR-TIMEZONE:Europe/Paris"] {
        assert!(all.text.contains(&format!("\r\n{line}\r\n")), "{line} in\n{}", all.text);
    }
    for line in [
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "NAME:Réseau\\, maintenances\\; tests – Calendrier des maintenances",
    ] {
        assert!(all.text.contains(&format!("\r\n{line}\r\n")), "{line} in\n{}", all.text);
    }
    let routeurs = all.event(ROUTEURS);
    assert_eq!(routeurs.categories, ["Hébergement web, PHP", "Messagerie"], "services' names, a comma kept");
    assert_eq!(routeurs.status, "CONFIRMED");

    let mail = calendar(&site, "services/mail/maintenance.ics");
    assert_eq!(mail.name, "Réseau, maintenances; tests – Messagerie");
    assert_eq!(mail.uids(), [DST, ROUTEURS, LONG]);
    assert_eq!(calendar(&site, "services/dns/maintenance.ics").uids(), [CANCELLED, LONG]);
    let voip = calendar(&site, "services/voip/maintenance.ics");
    assert!(voip.events.is_empty(), "a service without maintenance has an empty calendar");
    assert!(voip.text.contains("\r\nSOURCE:https://status.example.fr/incidents/services/voip/maintenance.ics\r\n"));
}

#[test]
fn a_window_across_the_end_of_summer_time_is_written_in_utc() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    let dst = calendar(&site, "maintenance.ics").event(DST).clone();
    // 2024-10-26T23:00+02:00 → 2024-10-27T04:00+01:00: five hours of wall clock, six of real time.
    assert_eq!(dst.dtstart.as_deref(), Some("20241026T210000Z"));
    assert_eq!(dst.dtend.as_deref(), Some("20241027T030000Z"));
}

#[test]
fn the_uid_survives_edits_of_the_title_and_the_window_and_sequence_grows_with_a_postponement() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    let before = calendar(&site, "maintenance.ics").event(ROUTEURS).clone();
    assert_eq!(before.sequence, 0);

    let post = site.source("content/2024/routeurs.md");
    let edited = post
        .replace("Maintenance des routeurs", "Maintenance des routeurs de bordure")
        .replace("2024-12-03T22:00:00+01:00", "2024-12-05T22:00:00+01:00")
        .replace("2024-12-04T02:00:00+01:00", "2024-12-06T02:00:00+01:00");
    site.write("content/2024/routeurs.md", &edited);
    site.build();
    let renamed = calendar(&site, "maintenance.ics").event(ROUTEURS).clone();
    assert_eq!(renamed.summary, "Maintenance des routeurs de bordure");
    assert_eq!(renamed.dtstart.as_deref(), Some("20241205T210000Z"));
    assert_eq!(renamed.sequence, 0, "no update says the window moved yet");

    let postponed = edited.replace(
        "+++\n\nFenêtre",
        "\n[[updates]]\nat = 2024-11-18T10:00:00+01:00\nstatus = \"scheduled\"\ntext = \"Reportée de deux jours.\"\n+++\n\nFenêtre",
    );
    assert_ne!(postponed, edited);
    site.write("content/2024/routeurs.md", &postponed);
    site.build();
    let calendar_text = calendar(&site, "maintenance.ics");
    let moved = calendar_text.event(ROUTEURS);
    assert_eq!(moved.uid, before.uid);
    assert_eq!(moved.sequence, 1, "a postponement announced by a new scheduled update");
    assert!(calendar_text.text.contains("\r\nDTSTAMP:20241118T090000Z\r\n"), "DTSTAMP is the latest update");
}

#[test]
fn sequence_grows_as_the_maintenance_starts_and_completes() {
    let site = FixtureSite::copy("calendar/site");
    let post = site.source("content/2024/routeurs.md");
    let timeline = post.replace(
        "+++\n\nFenêtre",
        "\n[[updates]]\nat = 2024-12-03T22:00:00+01:00\nstatus = \"in_progress\"\ntext = \"Commencée.\"\n\n\
         [[updates]]\nat = 2024-12-03T23:00:00+01:00\nstatus = \"in_progress\"\ntext = \"À moitié.\"\n\n\
         [[updates]]\nat = 2024-12-04T01:00:00+01:00\nstatus = \"completed\"\ntext = \"Terminée.\"\n+++\n\nFenêtre",
    );
    assert_ne!(timeline, post);
    site.write("content/2024/routeurs.md", &timeline);
    // 2024-12-03T21:00Z is the start: each build sees the updates published by then.
    let start = 1_733_259_600;
    for (at, sequence, what) in [
        (now(), 0, "announced"),
        (start + 1800, 1, "in progress"),
        (start + 9000, 1, "news under the same status"),
        (start + 5 * 3600, 2, "completed"),
    ] {
        build_at(&site, at);
        let event = calendar(&site, "maintenance.ics").event(ROUTEURS).clone();
        assert_eq!(event.sequence, sequence, "{what}");
        assert_eq!(event.status, "CONFIRMED", "{what}");
    }
}

#[test]
fn a_cancelled_maintenance_stays_in_the_calendar_as_cancelled() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    for rel in ["maintenance.ics", "services/dns/maintenance.ics"] {
        let parsed = calendar(&site, rel);
        let cancelled = parsed.event(CANCELLED);
        assert_eq!(cancelled.status, "CANCELLED", "{rel}");
        assert_eq!(cancelled.sequence, 1, "{rel}: scheduled, then cancelled");
        assert_eq!(cancelled.summary, "Migration des serveurs DNS", "{rel}: the title as written");
        assert_eq!(cancelled.dtstart.as_deref(), Some("20241210T210000Z"), "{rel}: its window is still given");
    }
}

#[test]
fn a_long_french_summary_folds_and_reads_back_whole_and_a_window_without_end_has_no_dtend() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    let parsed = calendar(&site, "maintenance.ics");
    let long = parsed.event(LONG);
    assert_eq!(
        long.summary,
        "Maintenance électrique programmée du centre de données « Paris-Nord » : coupure préventive, \
         redémarrage des équipements réseau cœur — durée estimée à confirmer"
    );
    let summary_lines = parsed.text.split("\r\n").skip_while(|l| !l.starts_with("SUMMARY:Maintenance électrique"));
    assert!(summary_lines.skip(1).take_while(|l| l.starts_with(' ')).count() >= 2, "folded in 3 lines or more");
    assert_eq!(long.dtend, None, "no end: no DTEND, no invented one");
    assert_eq!(long.sequence, 0, "the second scheduled update is dated after the build: not published");
    // The description is the latest published update's text, then the page.
    let unfolded = parsed.text.replace("\r\n ", "");
    let description = unfolded.lines().find(|l| l.contains("Intervention sur")).expect("description");
    assert!(description.starts_with("DESCRIPTION:Intervention sur l'alimentation électrique.\\nLa durée sera précisée \\; les services \"web\"\\, mail et DNS\\\\ seront coupés.\\n\\nhttps://status.example.fr/incidents/2025/01/08/"), "{description}");
    assert!(!unfolded.contains("Reportée"), "an update dated after the build is not public yet");
}

#[test]
fn a_maintenance_older_than_calendar_keep_months_is_gone() {
    let site = FixtureSite::copy("calendar/site");
    site.build();
    let uids = calendar(&site, "services/web/maintenance.ics").uids().join(" ");
    assert!(uids.contains(JANUARY) && !uids.contains(JUNE_2023), "12 months by default: {uids}");
    let config = site.source("site.toml");
    site.write("site.toml", config.replacen("timezone", "calendar_keep_months = 6\ntimezone", 1));
    site.build();
    let uids = calendar(&site, "services/web/maintenance.ics").uids().join(" ");
    assert!(!uids.contains(JANUARY) && uids.contains(LONG), "6 months: {uids}");
    site.write("site.toml", config.replacen("timezone", "calendar_keep_months = 24\ntimezone", 1));
    site.build();
    let uids = calendar(&site, "services/web/maintenance.ics").uids().join(" ");
    assert!(uids.contains(JUNE_2023), "24 months: {uids}");
}

#[test]
fn two_builds_an_hour_apart_write_the_same_calendars() {
    let first = FixtureSite::copy("calendar/site");
    let second = FixtureSite::copy("calendar/site");
    build_at(&first, now());
    build_at(&second, now() + 3600);
    let calendars = |site: &FixtureSite| -> Vec<(String, Vec<u8>)> {
        site.output().into_iter().filter(|(path, _)| path.ends_with(".ics")).collect()
    };
    let (a, b) = (calendars(&first), calendars(&second));
    assert_eq!(a.len(), 5, "the site's calendar and one per service");
    for ((path, one), (_, other)) in a.iter().zip(&b) {
        assert!(
            one == other,
            "{path} differs between builds an hour apart:\n{}\n---\n{}",
            String::from_utf8_lossy(one),
            String::from_utf8_lossy(other)
        );
    }
    assert_eq!(a.iter().map(|(p, _)| p).collect::<Vec<_>>(), b.iter().map(|(p, _)| p).collect::<Vec<_>>());
    // Never the wall clock: every DTSTAMP is a change of the post at or before the first build.
    let text = first.read("maintenance.ics");
    let stamps: Vec<&str> = text.split("\r\n").filter_map(|l| l.strip_prefix("DTSTAMP:")).collect();
    assert_eq!(stamps.len(), 5);
    assert!(stamps.iter().all(|s| *s <= "20241120T120000Z"), "DTSTAMPs after the build time: {stamps:?}");
}
