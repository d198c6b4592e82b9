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
    ("service_mail", "services/mail/index.html"),
    ("services", "services/index.html"),
    ("not_found", "404.html"),
    ("atom", "atom.xml"),
    ("rss", "rss.xml"),
    ("service_mail_atom", "services/mail/atom.xml"),
    ("sitemap", "sitemap.xml"),
];

/// An incident with four updates and a footnote (`content/2011/micro-coupure-electrique-split-brain.md`).
const INCIDENT: &str = "2011/10/26/micro-coupure-electrique-et-desynchronisation-des-serveurs/index.html";

/// A maintenance still to come at the build time (`content/2030/demenagement-baies.md`).
const MAINTENANCE: &str = "2030/01/15/demenagement-de-nos-baies-vers-une-nouvelle-salle/index.html";

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
