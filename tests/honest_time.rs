//! Pages that tell the truth about time: two builds of the example site at
//! different times differ only where what a page shows depends on the
//! time (the present, a phase), and a maintenance's start moves it from
//! « Maintenances prévues » to « En ce moment ».

mod common;

use common::{texts, FixtureSite, Tree};
use std::collections::BTreeSet;

/// 2024-11-20 13:00 in Paris (`common::NOW`): one maintenance in progress,
/// one overrunning, one cancelled and one planned.
const NOW: i64 = 1_732_104_000;

const MIGRATION: &str = "2024/11/20/migration-des-bases-de-donnees-mutualisees-vers-de-nouveaux-serveurs/index.html";

fn built_at(site: &FixtureSite, epoch: i64) -> (Tree, String) {
    site.set_time(epoch);
    let run = site.build();
    (site.output(), run.stderr)
}

fn changed(before: &Tree, after: &Tree) -> BTreeSet<String> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names.into_iter().filter(|name| before.get(*name) != after.get(*name)).cloned().collect()
}

/// Whether a page shows the present: it says « État au ».
fn shows_the_present(tree: &Tree, name: &str) -> bool {
    tree.get(name).is_some_and(|bytes| String::from_utf8_lossy(bytes).contains("class=\"as-of\""))
}

#[test]
fn an_hour_without_a_phase_change_changes_only_the_pages_that_show_the_present() {
    let site = FixtureSite::example();
    let (before, stderr) = built_at(&site, NOW);
    assert!(
        stderr.contains(
            "next change: 2024-11-20 14:30 (+01:00), \"Remplacement d'un commutateur de cœur de réseau\" gets its update \"completed\" written ahead of time"
        ),
        "the build tells when to rebuild:\n{stderr}"
    );
    let (after, _) = built_at(&site, NOW + 3600);
    let changed = changed(&before, &after);
    let present: BTreeSet<String> = before.keys().filter(|name| shows_the_present(&before, name)).cloned().collect();
    assert!(present.contains("index.html") && present.contains(MIGRATION), "{present:?}");
    assert!(present.contains("services/databases/index.html"), "{present:?}");
    let mut expected = present.clone();
    expected.insert(".vigie-output".to_string());
    assert_eq!(changed, expected, "only the pages that say « État au » (and vigie's own record) changed");
    for unchanged in [
        "atom.xml",
        "rss.xml",
        "services/databases/atom.xml",
        "2024/index.html",
        "2011/10/26/micro-coupure-electrique-et-desynchronisation-des-serveurs/index.html",
        "2024/12/03/mise-a-jour-de-la-plateforme-de-telephonie/index.html",
        "page/2/index.html",
        "sitemap.xml",
    ] {
        assert!(before.contains_key(unchanged), "{unchanged} was built");
        assert!(!changed.contains(unchanged), "{unchanged} changed although nothing it shows did");
    }
    assert!(before.len() - changed.len() > 60, "most of the site is untouched: {} of {}", changed.len(), before.len());
}

#[test]
fn crossing_a_maintenance_start_shows_it_in_progress() {
    let site = FixtureSite::example();
    // 09:59 and 10:01 in Paris on 2024-11-20: the migration's window opens at 10:00.
    let (before, stderr) = built_at(&site, NOW - 3 * 3600 - 60);
    assert!(
        stderr.contains(
            "next change: 2024-11-20 10:00 (+01:00), \"Migration des bases de données mutualisées vers de nouveaux serveurs\" starts"
        ),
        "{stderr}"
    );
    let home = scraper::Html::parse_document(&String::from_utf8_lossy(&before["index.html"]));
    assert!(texts(&home, ".upcoming .card-title")
        .contains(&"Migration des bases de données mutualisées vers de nouveaux serveurs".to_string()));
    assert!(!texts(&home, ".current .card-title").iter().any(|t| t.starts_with("Migration")), "not yet in progress");
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(&before[MIGRATION]));
    assert_eq!(texts(&page, ".badges .badge"), ["Maintenance", "Prévue"]);

    let (after, _) = built_at(&site, NOW - 3 * 3600 + 60);
    let home = scraper::Html::parse_document(&String::from_utf8_lossy(&after["index.html"]));
    assert!(texts(&home, ".current .card-title").iter().any(|t| t.starts_with("Migration")), "now in progress");
    assert!(!texts(&home, ".upcoming .card-title").iter().any(|t| t.starts_with("Migration")), "no longer planned");
    let history = texts(&home, "#history-heading ~ ul .card-title");
    assert_eq!(
        history.first().map(String::as_str),
        Some("Migration des bases de données mutualisées vers de nouveaux serveurs"),
        "it has started: history shows it"
    );
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(&after[MIGRATION]));
    assert_eq!(texts(&page, ".badges .badge"), ["Maintenance", "En cours"]);
    let year = scraper::Html::parse_document(&String::from_utf8_lossy(&after["2024/index.html"]));
    assert!(texts(&year, ".card-title").iter().any(|t| t.starts_with("Migration")));
    let year = scraper::Html::parse_document(&String::from_utf8_lossy(&before["2024/index.html"]));
    assert!(
        !texts(&year, ".card-title").iter().any(|t| t.starts_with("Migration")),
        "the year page shows only what has started"
    );
}

#[test]
fn crossing_a_phase_change_changes_only_what_shows_that_post_or_the_present() {
    let site = FixtureSite::example();
    // 09:59 and 10:01 in Paris on 2024-11-20: the migration's window opens at 10:00.
    let (before, _) = built_at(&site, NOW - 3 * 3600 - 60);
    let (after, _) = built_at(&site, NOW - 3 * 3600 + 60);
    let mentions = |tree: &Tree, name: &str| {
        let text = tree.get(name).map(|bytes| String::from_utf8_lossy(bytes).into_owned()).unwrap_or_default();
        text.contains("migration-des-bases-de-donnees-mutualisees") || text.contains("Migration des bases")
    };
    let changed = changed(&before, &after);
    // The status API and the badges are the state of the services: they
    // follow it, with no build time in them.
    let is_state = |name: &str| name.starts_with("api/v2/") || name.ends_with("badge.svg");
    // A later page of a list changes when a card slides in from the page before.
    let cards = |tree: &Tree, name: &str| {
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(tree.get(name).map_or(&[][..], |b| &b[..])));
        texts(&html, ".card-title")
    };
    let slid = |name: &str| name.ends_with(".html") && cards(&before, name) != cards(&after, name);
    for name in &changed {
        assert!(
            name == ".vigie-output"
                || is_state(name)
                || slid(name)
                || shows_the_present(&before, name)
                || shows_the_present(&after, name)
                || mentions(&before, name)
                || mentions(&after, name),
            "{name} changed although it shows neither the present nor the maintenance that started"
        );
    }
    for moved in ["2024/index.html", "services/databases/atom.xml", "maintenance.ics", "sitemap.xml"] {
        assert!(changed.contains(moved), "{moved} shows the migration, whose phase changed");
    }
    for unchanged in ["services/mail/atom.xml", "2011/index.html", "services/voip/maintenance.ics"] {
        assert!(!changed.contains(unchanged), "{unchanged} does not show it");
    }
}

#[test]
fn a_completed_maintenance_shows_its_actual_end_beside_the_planned_one() {
    let site = FixtureSite::example();
    // 2024-11-20 16:00 in Paris: both maintenances of the day are over.
    let (after, _) = built_at(&site, NOW + 3 * 3600);
    let page = scraper::Html::parse_document(&String::from_utf8_lossy(&after[MIGRATION]));
    assert_eq!(texts(&page, ".badges .badge"), ["Maintenance", "Terminée"]);
    let facts = texts(&page, ".facts dt, .facts dd");
    let at = |label: &str| facts.iter().position(|f| f == label).map(|i| facts[i + 1].clone());
    assert_eq!(at("Fin prévue").as_deref(), Some("mercredi 20 novembre 2024 à 16 h 00"));
    assert_eq!(at("Fin effective").as_deref(), Some("mercredi 20 novembre 2024 à 15 h 20"));
    assert_eq!(at("Durée").as_deref(), Some("5 h 20 min"), "the duration is the actual one");
    assert!(texts(&page, ".as-of").is_empty(), "settled: the page no longer depends on the time");
}
