//! The example site's key pages and feeds, pinned byte for byte: a change to
//! a template, to the Markdown options or to the feed writer shows in review
//! as a change of `tests/snapshots/snapshots__*.snap`, and a rewrite of the
//! render stage proves that it writes the same bytes by leaving them as they are.
//!
//! The repository's own site (`site.toml`, `content/`, `themes/`) is copied
//! to a temporary folder and built at `SOURCE_DATE_EPOCH=1732104000`, as
//! `.ci/run` builds it: once at `/` (its `base_url`, `https://status.example.fr/`),
//! once with `--base-url http://127.0.0.1/incidents/`. Each file is framed by
//! [`common::exact`] (byte count, end marker) so that insta's normalisation
//! of whitespace and line ends cannot hide a change. How to review and
//! update the snapshots: `tests/README.md`.

mod common;

use common::{attrs, exact, texts, FixtureSite};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The files pinned: snapshot name → path under the output folder.
const PINNED: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("year_2011", "2011/index.html"),
    ("incident_with_timeline_and_footnote", INCIDENT),
    ("planned_maintenance", MAINTENANCE),
    ("maintenance_in_progress", IN_PROGRESS),
    ("maintenance_overrunning", OVERRUNNING),
    ("maintenance_cancelled", CANCELLED),
    ("service_databases", "services/databases/index.html"),
    ("service_mail", "services/mail/index.html"),
    ("services", "services/index.html"),
    ("not_found", "404.html"),
    ("atom", "atom.xml"),
    ("rss", "rss.xml"),
    ("service_mail_atom", "services/mail/atom.xml"),
    ("sitemap", "sitemap.xml"),
    ("maintenance_calendar", "maintenance.ics"),
];

/// An incident with four updates and a footnote (`content/2011/micro-coupure-electrique-split-brain.md`).
const INCIDENT: &str = "2011/10/26/micro-coupure-electrique-et-desynchronisation-des-serveurs/index.html";

/// A maintenance still to come at the build time (`content/2030/demenagement-baies.md`).
const MAINTENANCE: &str = "2030/01/15/demenagement-de-nos-baies-vers-une-nouvelle-salle/index.html";

/// A maintenance in progress at the build time, to end before its planned end (`content/2024/migration-bases-mutualisees.md`).
const IN_PROGRESS: &str = "2024/11/20/migration-des-bases-de-donnees-mutualisees-vers-de-nouveaux-serveurs/index.html";

/// A maintenance still in progress after its planned end (`content/2024/remplacement-commutateur-coeur.md`).
const OVERRUNNING: &str = "2024/11/20/remplacement-d-un-commutateur-de-coeur-de-reseau/index.html";

/// A maintenance called off before its window (`content/2024/mise-a-jour-plateforme-telephonie.md`).
const CANCELLED: &str = "2024/12/03/mise-a-jour-de-la-plateforme-de-telephonie/index.html";

#[test]
fn key_pages_at_the_root() {
    let site = FixtureSite::example();
    site.build();
    the_chosen_pages_show_what_they_are_chosen_for(&site);
    assert_pinned(&site, "root", "the example site built at / (its base_url, https://status.example.fr/)");
}

#[test]
fn key_pages_under_a_sub_path() {
    let site = FixtureSite::example();
    site.build_with(["--base-url", "http://127.0.0.1/incidents/"]);
    the_chosen_pages_show_what_they_are_chosen_for(&site);
    assert_pinned(&site, "incidents", "the example site built with --base-url http://127.0.0.1/incidents/");
}

/// A snapshot pins what a page is, not what it was picked for: this says it,
/// so that an edit of the example content does not quietly empty a snapshot of its point.
fn the_chosen_pages_show_what_they_are_chosen_for(site: &FixtureSite) {
    let incident = site.page(INCIDENT);
    assert_eq!(
        texts(&incident, ".timeline .status"),
        ["Analyse en cours", "Cause identifiée", "Surveillance", "Résolu"],
        "{INCIDENT}: the timeline"
    );
    assert_eq!(attrs(&incident, ".prose sup.footnote-ref a", "href"), ["#fn-1"], "{INCIDENT}: the footnote call");
    assert_eq!(texts(&incident, ".footnotes li").len(), 1, "{INCIDENT}: the footnote");
    let maintenance = site.page(MAINTENANCE);
    assert_eq!(
        texts(&maintenance, ".badges .badge"),
        ["Maintenance", "Prévue"],
        "{MAINTENANCE}: a planned maintenance"
    );
    for (page, phase) in
        [(IN_PROGRESS, "En cours"), (OVERRUNNING, "En cours, au-delà du créneau prévu"), (CANCELLED, "Annulée")]
    {
        let html = site.page(page);
        assert_eq!(texts(&html, ".badges .badge"), ["Maintenance", phase], "{page}: its phase");
        assert_eq!(
            texts(&html, ".as-of").len(),
            usize::from(phase != "Annulée"),
            "{page}: « État au » while not settled"
        );
    }
    let home = site.page("index.html");
    assert_eq!(
        texts(&home, ".current .card-title"),
        [
            "Remplacement d'un commutateur de cœur de réseau",
            "Migration des bases de données mutualisées vers de nouveaux serveurs"
        ],
        "home: what is happening now, oldest start first"
    );
    assert_eq!(
        texts(&home, ".upcoming .card-title"),
        ["Mise à jour de la plateforme de téléphonie", "Déménagement de nos baies vers une nouvelle salle"],
        "home: what is planned, soonest first (the cancelled one marked)"
    );
}

/// Checks every file of [`PINNED`] against its snapshot `<prefix>_<name>`,
/// all of them before failing, and names those that changed.
fn assert_pinned(site: &FixtureSite, prefix: &str, built: &str) {
    let mut changed = Vec::new();
    for (name, rel) in PINNED {
        let framed = exact(rel, &site.read_bytes(rel));
        let snapshot = format!("{prefix}_{name}");
        let description = format!("public/{rel} of {built}, SOURCE_DATE_EPOCH={}", common::NOW);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({ description => description, omit_expression => true }, {
                insta::assert_snapshot!(snapshot.as_str(), framed);
            });
        }));
        if outcome.is_err() {
            changed.push(format!("{rel} (tests/snapshots/snapshots__{snapshot}.snap)"));
        }
    }
    assert!(
        changed.is_empty(),
        "{built}: {} file(s) differ from their snapshots:\n  {}\nIf the change is meant, review and accept the new \
         snapshots (tests/README.md).",
        changed.len(),
        changed.join("\n  ")
    );
}
