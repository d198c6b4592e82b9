//! The service board at the top of the home page and the state that heads
//! each service page: the state in words, from what is happening now only.

mod common;

use common::{texts, FixtureSite};

/// 2024-11-20 13:00 in Paris (`common::NOW`).
const NOW: i64 = 1_732_104_000;

/// Each line of the board: the service, its state and its planned note
/// (its availability strip left out: tests/availability.rs reads it).
fn board(site: &FixtureSite) -> Vec<String> {
    texts(&site.page("index.html"), ".board-services > li")
        .into_iter()
        .zip(texts(&site.page("index.html"), ".board-services > li .strip-wrap"))
        .map(|(line, strip)| line.strip_suffix(&strip).unwrap_or(&line).trim_end().to_string())
        .collect()
}

#[test]
fn the_board_gives_each_service_its_state_and_planned_maintenance_as_a_note() {
    let site = FixtureSite::example();
    site.build();
    let home = site.page("index.html");
    assert_eq!(texts(&home, ".board .banner"), ["Maintenance en cours"]);
    assert_eq!(
        board(&site),
        [
            "Bases de données Maintenance en cours",
            "DNS Opérationnel",
            "Hébergement web Maintenance en cours",
            "Messagerie Opérationnel",
            "Réseau Maintenance en cours maintenance prévue le mardi 15 janvier 2030 à 22 h 00",
            "Serveurs dédiés et VPS Opérationnel maintenance prévue le mardi 15 janvier 2030 à 22 h 00",
            "Téléphonie IP Opérationnel",
        ],
        "planned maintenance is a note, never a state; a cancelled one is not even a note"
    );
    let databases = site.page("services/databases/index.html");
    assert_eq!(texts(&databases, ".service-state-line strong"), ["Maintenance en cours"]);
    assert_eq!(texts(&databases, ".as-of").len(), 1);
    assert!(texts(&site.page("page/2/index.html"), ".board").is_empty(), "the board is on the first page only");
}

#[test]
fn an_ongoing_incident_sets_its_services_state_from_its_severity() {
    let site = FixtureSite::example();
    // 2024-11-26 10:00 in Paris: the minor mail incident is ongoing, nothing else.
    site.set_time(NOW + 6 * 86_400 - 3 * 3600);
    site.build();
    let home = site.page("index.html");
    assert_eq!(texts(&home, ".board .banner"), ["Perturbation mineure en cours"]);
    assert!(board(&site).contains(&"Messagerie Perturbation mineure".to_string()), "{:?}", board(&site));
    assert_eq!(board(&site).iter().filter(|l| l.contains("Opérationnel")).count(), 6);
    let post = "content/2024/distribution-differee-messages.md";
    let text = site.source(post).replace("severity = \"minor\"", "severity = \"critical\"");
    site.write(post, text);
    site.build();
    assert_eq!(texts(&site.page("index.html"), ".board .banner"), ["Panne majeure en cours"]);
    assert!(board(&site).contains(&"Messagerie Panne majeure".to_string()));
    let mail = site.page("services/mail/index.html");
    assert_eq!(texts(&mail, ".service-state-line strong"), ["Panne majeure"]);
}

#[test]
fn a_maintenance_not_announced_yet_is_nowhere() {
    let site = FixtureSite::example();
    // 2024-10-01: the 2030 move of racks is announced on 2024-11-18 only.
    site.set_time(NOW - 50 * 86_400);
    let run = site.build();
    assert!(
        run.stderr.contains(
            "next change: 2024-11-12 11:00 (+01:00), \"Mise à jour de la plateforme de téléphonie\" is announced (update \"scheduled\")"
        ),
        "the build says when the first announcement comes out:\n{}",
        run.stderr
    );
    let home = site.page("index.html");
    assert!(texts(&home, ".planned-note").is_empty(), "{:?}", board(&site));
    assert!(texts(&home, ".upcoming .card-title").iter().all(|t| !t.contains("Déménagement")));
    let network = site.page("services/network/index.html");
    assert!(texts(&network, ".card-title").iter().all(|t| !t.contains("Déménagement")));
    assert!(!site.read("sitemap.xml").contains("2030/"), "nor in the sitemap");
}

#[test]
fn all_clear_when_nothing_happens_and_english_labels_on_an_english_site() {
    let site = FixtureSite::example();
    // 2024-11-19 13:00: nothing ongoing; the 2030 move of racks is announced
    // (since 2024-11-18), the database migration too (since 2024-11-13).
    site.set_time(NOW - 86_400);
    site.build();
    assert_eq!(texts(&site.page("index.html"), ".board .banner"), ["Tous les services fonctionnent normalement"]);
    let toml = site.source("site.toml").replace("language = \"fr\"", "language = \"en\"");
    site.write("site.toml", toml);
    site.build();
    let home = site.page("index.html");
    assert_eq!(texts(&home, ".board .banner"), ["All services are operating normally"]);
    let lines = board(&site);
    assert_eq!(lines.len(), 7);
    assert!(lines.iter().all(|l| l.contains(" Operational")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("Operational maintenance planned on")),
        "a planned maintenance is a note in English too: {lines:?}"
    );
}
