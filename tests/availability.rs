//! Availability on a small fixture (`tests/fixtures/availability`), every
//! figure computed by hand: an incident across midnight and the DST change,
//! overlapping incidents counted once, an ongoing one counted up to the
//! build time, a service whose data starts at its first post, one with a
//! `since` date and no incident, one with neither, and the weights of its
//! `site.toml` (critical 1.0, major 0.5, minor 0.25, maintenance counted).

mod common;

use common::{attrs, texts, FixtureSite};

/// 2024-11-05 12:00 in Paris (+01:00).
const NOW: i64 = 1_730_804_400;

/// The rows of a service page's figure table (`windows` or `months`):
/// period, availability, downtime counted.
fn rows(site: &FixtureSite, service: &str, table: &str) -> Vec<[String; 3]> {
    let page = site.page(&format!("services/{service}/index.html"));
    let cells = texts(&page, &format!(".figures.{table} tbody tr > *"));
    assert_eq!(cells.len() % 3, 0, "{cells:?}");
    cells.chunks(3).map(|row| [row[0].clone(), row[1].clone(), row[2].clone()]).collect()
}

fn row(period: &str, percent: &str, downtime: &str) -> [String; 3] {
    [period.to_string(), percent.to_string(), downtime.to_string()]
}

/// The strip's days of a page: (date, state class, text).
fn strip(site: &FixtureSite, page: &str) -> Vec<(String, String, String)> {
    let html = site.page(page);
    let states = attrs(&html, ".availability .strip li", "class");
    let labels = texts(&html, ".availability .strip li");
    assert_eq!(states.len(), 90, "{page}: one cell per day of the last 90");
    states
        .into_iter()
        .zip(labels)
        .map(|(state, label)| (label.split(" : ").next().unwrap_or("").to_string(), state, label))
        .collect()
}

fn day<'s>(strip: &'s [(String, String, String)], date: &str) -> &'s (String, String, String) {
    strip.iter().find(|(d, _, _)| d == date).unwrap_or_else(|| panic!("no day {date} in {strip:?}"))
}

fn site() -> FixtureSite {
    let site = FixtureSite::copy("availability");
    site.set_time(NOW);
    site.build();
    site
}

#[test]
fn weighted_downtime_counts_overlaps_once_across_midnight_and_the_dst_change() {
    let site = site();
    // Last 30 days: 2024-10-07 00:00 (+02:00) → 11-05 12:00 (+01:00) =
    // 29 days + 1 h (the 25-hour 27 October) + 12 h = 709 h = 42 540 min.
    // Downtime: the DST night 6 h × 1.0 = 360 min; on 2 November 10–12 and
    // 13–14 h at 0.5 and 12–13 h at 1.0 (once) = 150 min; the ongoing
    // incident 08:00–12:00 at 0.25 = 60 min: 570 min = 9 h 30.
    // 1 − 570 / 42 540 = 98.660 %. Last 90 days: from 08-08, 89 days + 13 h
    // = 128 940 min: 99.557 %. Last 365 days: the data starts on 01-10 (the
    // first post): 300 days + 12 h = 432 720 min, downtime 585 min (the
    // first incident's hour at 0.25): 99.864 %.
    assert_eq!(
        rows(&site, "web", "windows"),
        [
            row("30 derniers jours", "98,66 %", "9 h 30 min"),
            row("90 derniers jours", "99,55 %", "9 h 30 min"),
            row("365 derniers jours", "99,86 %", "9 h 45 min"),
        ]
    );
    let months = rows(&site, "web", "months");
    assert_eq!(months.len(), 12);
    // November: 4 days 12 h = 6 480 min, 210 min down: 96.759 %.
    // October: 31 days + 1 h = 44 700 min, 360 min down: 99.194 %.
    // January: from the 10th, 22 days = 31 680 min, 15 min down: 99.952 %.
    assert_eq!(months[0], row("novembre 2024", "96,75 %", "3 h 30 min"));
    assert_eq!(months[1], row("octobre 2024", "99,19 %", "6 h"));
    assert_eq!(months[2], row("septembre 2024", "100,00 %", "aucune"));
    assert_eq!(months[10], row("janvier 2024", "99,95 %", "15 min"));
    assert_eq!(months[11], row("décembre 2023", "pas de données", "aucune"), "before the first post");

    let days = strip(&site, "services/web/index.html");
    assert_eq!(days[89].0, "mardi 5 novembre 2024", "today is the last day");
    assert_eq!(
        day(&days, "samedi 26 octobre 2024").2,
        "samedi 26 octobre 2024 : Panne majeure pendant 1 h, indisponibilité comptée : 1 h — Night across the DST change"
    );
    assert_eq!(
        day(&days, "dimanche 27 octobre 2024").2,
        "dimanche 27 octobre 2024 : Panne majeure pendant 5 h, indisponibilité comptée : 5 h — Night across the DST change",
        "00:00 (+02:00) to 04:00 (+01:00) is 5 hours"
    );
    let overlap = day(&days, "samedi 2 novembre 2024");
    assert_eq!(overlap.1, "day-major_outage", "the worst state of the day");
    assert_eq!(
        overlap.2,
        "samedi 2 novembre 2024 : Panne majeure pendant 4 h, indisponibilité comptée : 2 h 30 min — Short major outage (et 1 de plus)"
    );
    assert_eq!(day(&days, "lundi 4 novembre 2024").2, "lundi 4 novembre 2024 : aucun incident");
    assert_eq!(
        days[89].2,
        "mardi 5 novembre 2024 : Perturbation mineure pendant 4 h, indisponibilité comptée : 1 h — Ongoing slowness"
    );
    let page = site.page("services/web/index.html");
    let links = attrs(&page, ".availability .strip li a", "href");
    assert_eq!(
        links,
        [
            "/2024/10/26/night-across-the-dst-change/",
            "/2024/10/26/night-across-the-dst-change/",
            "/2024/11/02/short-major-outage/",
            "/2024/11/05/ongoing-slowness/"
        ],
        "days with incidents link to the worst of them, and only they do"
    );
    for link in &links {
        assert!(site.public().join(link.trim_start_matches('/')).join("index.html").is_file(), "{link} exists");
    }
}

#[test]
fn an_ongoing_incident_counts_up_to_the_build_time() {
    let site = site();
    site.set_time(NOW + 3600);
    site.build();
    // One more hour at 0.25: 75 min today; 30 days = 42 600 min, 585 down: 98.626 %.
    assert_eq!(rows(&site, "web", "windows")[0], row("30 derniers jours", "98,62 %", "9 h 45 min"));
    let days = strip(&site, "services/web/index.html");
    assert!(days[89].2.contains("pendant 5 h, indisponibilité comptée : 1 h 15 min"), "{:?}", days[89]);
}

#[test]
fn days_before_a_service_s_data_are_not_counted_as_available() {
    let site = site();
    // Mail: its first post (a maintenance, counted in full here) is on
    // 10-15: from 10-15 00:00 (+02:00) to 11-05 12:00 (+01:00) = 21 days +
    // 1 h + 12 h = 517 h, 1 h down: 99.806 %, the same over 30, 90 and 365 days.
    let windows = rows(&site, "mail", "windows");
    assert!(windows.iter().all(|r| r[1] == "99,80 %" && r[2] == "1 h"), "{windows:?}");
    let days = strip(&site, "services/mail/index.html");
    assert_eq!(day(&days, "lundi 14 octobre 2024").1, "day-no_data");
    assert_eq!(day(&days, "lundi 14 octobre 2024").2, "lundi 14 octobre 2024 : pas de données");
    assert_eq!(
        day(&days, "mardi 15 octobre 2024").2,
        "mardi 15 octobre 2024 : Maintenance en cours pendant 1 h, indisponibilité comptée : 1 h — Mail maintenance"
    );
    assert_eq!(days.iter().filter(|d| d.1 == "day-no_data").count(), 68, "08-08 to 10-14");

    // DNS: no incident, data since 10-01 (site.toml): 100 % wherever there is data.
    let dns = rows(&site, "dns", "windows");
    assert!(dns.iter().all(|r| r[1] == "100,00 %" && r[2] == "aucune"), "{dns:?}");
    assert_eq!(rows(&site, "dns", "months")[2], row("septembre 2024", "pas de données", "aucune"));
    let days = strip(&site, "services/dns/index.html");
    assert_eq!(day(&days, "lundi 30 septembre 2024").1, "day-no_data");
    assert_eq!(day(&days, "mardi 1er octobre 2024").1, "day-operational");
    let page = site.page("services/dns/index.html");
    assert!(texts(&page, ".availability-figures .method")[0].starts_with("Données depuis le mardi 1er octobre 2024."));

    // VoIP: no incident, no since: no data at all, never 100 %.
    let voip = rows(&site, "voip", "windows");
    assert!(voip.iter().all(|r| r[1] == "pas de données"), "{voip:?}");
    assert!(strip(&site, "services/voip/index.html").iter().all(|d| d.1 == "day-no_data"));
    let home = site.page("index.html");
    let board = texts(&home, ".board-services > li");
    assert!(board.iter().any(|l| l == "VoIP Opérationnel pas de données sur 90 jours"), "{board:?}");
    assert!(board.iter().any(|l| l == "DNS Opérationnel 100,00 % sur 90 jours"), "{board:?}");
}

#[test]
fn the_weights_come_from_site_toml_and_the_page_states_them() {
    let site = site();
    let page = site.page("services/web/index.html");
    let method = texts(&page, ".availability-figures .method").join(" ");
    assert!(
        method.contains("panne majeure compte à 100 %, celle d’une panne partielle à 50 %, celle d’une perturbation mineure à 25 % ; les maintenances comptent en entier."),
        "{method}"
    );
    // The defaults (critical 1.0, major 0.3, minor 0.0, maintenance not counted).
    let text = site.source("site.toml");
    let defaults = text.split("[availability]").next().unwrap_or("").to_string()
        + text.split("count_maintenance = true").nth(1).unwrap_or("");
    site.write("site.toml", defaults);
    site.build();
    // 30 days: 360 + (120 × 0.3 + 60 + 60 × 0.3) + 0 = 474 min: 1 − 474 / 42 540 = 98.885 %.
    assert_eq!(rows(&site, "web", "windows")[0], row("30 derniers jours", "98,88 %", "7 h 54 min"));
    assert!(rows(&site, "mail", "windows").iter().all(|r| r[1] == "100,00 %"), "maintenance no longer counts");
    let days = strip(&site, "services/mail/index.html");
    assert_eq!(day(&days, "mardi 15 octobre 2024").1, "day-maintenance", "a maintenance day is still shown as one");
    let method = texts(&site.page("services/web/index.html"), ".availability-figures .method").join(" ");
    assert!(method.contains("à 100 %, celle d’une panne partielle à 30 %, celle d’une perturbation mineure à 0 % ; les maintenances ne comptent pas."), "{method}");
}

#[test]
fn an_english_site_says_it_in_english() {
    let site = site();
    let text = site.source("site.toml").replacen("timezone", "language = \"en\"\ntimezone", 1);
    site.write("site.toml", text);
    site.build();
    assert_eq!(rows(&site, "web", "windows")[0], row("Last 30 days", "98.66%", "9 h 30 min"));
    let days = strip(&site, "services/web/index.html");
    assert_eq!(days[89].1, "day-degraded");
    assert!(
        days[89].2.ends_with(": Degraded performance for 4 h, downtime counted: 1 h — Ongoing slowness"),
        "{:?}",
        days[89]
    );
}
