//! The built-in theme's card and incident page are written by vigie
//! without the template engine (`src/render/built_in/`) while the theme's
//! templates they stand for are the built-in ones. Each site here is built
//! that way (which `vigie --verbose build` says), then again with each of
//! those templates differing from the built-in one only by a trailing Tera
//! comment (which renders nothing, and makes Tera render what uses it):
//! every file must be the same.

mod common;

use common::{FixtureSite, Tree};

/// Each template the writers stand for, and what vigie still writes itself
/// when the site has its own copy of it.
const TEMPLATES: [(&str, &str); 5] = [
    ("card.html", "incident.html"),
    ("badges.html", ""),
    ("incident.html", "card.html"),
    ("base.html", "card.html"),
    ("components.html", "card.html"),
];

/// The built-in template `name` with a comment added, so that it is no longer
/// the built-in one byte for byte but renders the same.
fn rendered_by_tera(name: &str) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = repo.join("themes/default/templates").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    format!("{text}{{# rendered by Tera #}}")
}

/// `vigie --verbose build`: what it says vigie wrote itself ("" for nothing),
/// and the output without the build's fingerprint of its sources (which
/// counts the templates).
#[track_caller]
fn build(site: &FixtureSite) -> (String, Tree) {
    let run = site.build_with(["--verbose"]);
    let said = run.stderr.lines().find_map(|line| {
        line.trim().strip_suffix(": written by vigie without the template engine (the theme's are the built-in ones)")
    });
    let mut files = site.output();
    files.remove(".vigie-output");
    (said.unwrap_or_default().to_string(), files)
}

/// Puts `line` at the top of the site's `site.toml` (before its tables).
fn set_first_in_site_toml(site: &FixtureSite, line: &str) {
    let toml = site.source("site.toml");
    site.write("site.toml", format!("{line}\n{toml}"));
}

#[track_caller]
fn assert_same_with_tera(site: &FixtureSite) {
    let (said, written) = build(site);
    assert_eq!(said, "card.html, incident.html", "[{}] what vigie wrote itself", site.label());
    assert!(written.len() > 10, "[{}] the site has {} files", site.label(), written.len());
    for (template, still_built_in) in TEMPLATES {
        site.write(&format!("templates/{template}"), rendered_by_tera(template));
        let (said, rendered) = build(site);
        assert_eq!(said, still_built_in, "[{}] with the site's {template}, what vigie wrote itself", site.label());
        let differ: Vec<_> =
            written.keys().chain(rendered.keys()).filter(|p| written.get(*p) != rendered.get(*p)).collect();
        assert!(differ.is_empty(), "[{}] with {template} rendered by Tera, files differ: {differ:?}", site.label());
        site.remove(&format!("templates/{template}"));
    }
}

#[test]
fn the_cards_fixture_every_branch_of_the_card_and_page() {
    assert_same_with_tera(&FixtureSite::copy("cards"));
}

#[test]
fn the_example_site() {
    assert_same_with_tera(&FixtureSite::example());
}

#[test]
fn hostile_text() {
    assert_same_with_tera(&FixtureSite::copy("hostile"));
}

#[test]
fn an_english_site() {
    let site = FixtureSite::copy("cards").labelled("en");
    set_first_in_site_toml(&site, "language = \"en\"");
    assert_same_with_tera(&site);
}

#[test]
fn a_theme_with_the_built_in_templates_and_labels_to_escape() {
    let site = FixtureSite::copy("cards").labelled("labels to escape");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_tree(&repo.join("themes/default"), &site.path("themes/mine"));
    let mut labels = site.source("themes/mine/i18n/fr.toml");
    for key in
        ["nav_home", "state_as_of", "feeds_label", "calendar", "ended_on", "severity", "timeline", "subscribe_to"]
    {
        let line = labels.lines().find(|l| l.starts_with(&format!("{key} = "))).expect("the label").to_string();
        let escaped = line.replacen(" = \"", " = \"<b>&amp; & 'q' \\\"", 1);
        labels = labels.replacen(&line, &escaped, 1);
    }
    site.write("themes/mine/i18n/fr.toml", labels);
    set_first_in_site_toml(&site, "theme = \"mine\"");
    assert_same_with_tera(&site);
}

#[test]
fn one_incident_without_neighbours() {
    let site = FixtureSite::copy("cards").labelled("one incident");
    for post in ["same-day", "next-day", "zero", "notice", "early", "late", "cancelled", "upcoming"] {
        site.remove(&format!("content/{post}.md"));
    }
    assert_same_with_tera(&site);
}
